"""Hostile values and a seeded commune for the tests that throw them at the kit (issue 13,
class 8): every GET URL pattern, every form, every management command.

The URL walk is generic: the patterns come from ``django.urls.get_resolver()``, the query
parameters from the kit's source (every ``GET.get("…")`` and every field of every form the
kit defines), the plausible path values from the rows seeded here.
"""

import ast
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django import forms
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

import ecommune

SOURCE = Path(ecommune.__file__).parent
HOST = "saint-ebrard.localhost"

#: What the probe threw: a NUL byte, the first and last days Python knows, a day that does
#: not exist, 10,000 characters, letters where digits go, a negative number, a number too
#: big for any column.
HOSTILE = {
    "nul": "F\x00123",
    "year-1": "0001-01-01",
    "year-9999": "9999-12-31",
    "february-31": "2026-02-31",
    "long": "x" * 10_000,
    "letters": "abc",
    "negative": "-1",
    "huge": "9" * 25,
}


# ---------------------------------------------------------------------------------------------
# URL patterns


@dataclass
class Pattern:
    """One URL pattern of the resolver, flattened: its full route and its path parameters."""

    route: str  # the text of the pattern, prefixes included, for messages
    parts: list  # literal strings and Parameter entries, in order
    callback: object
    name: str | None

    @property
    def parameters(self):
        return [part for part in self.parts if isinstance(part, Parameter)]

    @property
    def module(self) -> str:
        view = getattr(self.callback, "view_class", None) or self.callback
        return getattr(view, "__module__", "") or ""

    def build(self, values: dict) -> str:
        return "/" + "".join(
            values[part.name] if isinstance(part, Parameter) else part for part in self.parts
        )


@dataclass(frozen=True)
class Parameter:
    name: str
    converter: str  # int, str, slug, uuid, path or "regex"


_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<body>(?:[^()]|\([^()]*\))*)\)")


def _route_parts(text: str) -> list:
    parts, position = [], 0
    for match in _ROUTE_PARAMETER.finditer(text):
        parts.append(text[position : match.start()])
        parts.append(Parameter(match["name"], match["converter"] or "str"))
        position = match.end()
    parts.append(text[position:])
    return parts


def _regex_parts(text: str) -> list:
    """A regex pattern's literal text and its groups (each group one parameter)."""
    text = text.removeprefix("^").removesuffix("$")
    parts, position = [], 0
    for index, match in enumerate(_REGEX_GROUP.finditer(text), start=1):
        parts.append(_unescape(text[position : match.start()]))
        parts.append(Parameter(match["name"] or f"group{index}", "regex"))
        position = match.end()
    parts.append(_unescape(text[position:]))
    return parts


def _unescape(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal)


def walk_patterns(patterns=None, prefix=None) -> list[Pattern]:
    """Every URL pattern of the site, with the parts of the resolvers above it."""
    found = []
    prefix = prefix or []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        pattern = entry.pattern
        text = str(pattern)
        parts = _regex_parts(text) if isinstance(pattern, RegexPattern) else _route_parts(text)
        assert isinstance(pattern, RoutePattern | RegexPattern), pattern
        if isinstance(entry, URLResolver):
            found += walk_patterns(entry.url_patterns, prefix + parts)
        elif isinstance(entry, URLPattern):
            found.append(
                Pattern(
                    route=_text(prefix) + text,
                    parts=prefix + parts,
                    callback=entry.callback,
                    name=entry.name,
                )
            )
    return found


def _text(parts) -> str:
    return "".join(f"<{p.name}>" if isinstance(p, Parameter) else p for p in parts)


# ---------------------------------------------------------------------------------------------
# Query parameters


def kit_modules() -> list[Path]:
    return sorted(
        path for path in SOURCE.rglob("*.py") if "scaffold" not in path.parts and path.is_file()
    )


class _QueryNames(ast.NodeVisitor):
    """``….GET.get("x")``, ``….GET.getlist("x")``, ``….GET["x"]``, and the ``query.get("x")`` of
    helpers handed ``request.GET`` (the ANTS hub's)."""

    READERS = {"GET", "query", "params"}

    def __init__(self):
        self.names = set()

    def visit_Call(self, node):
        function = node.func
        if (
            isinstance(function, ast.Attribute)
            and function.attr in ("get", "getlist")
            and _last_name(function.value) in self.READERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            self.names.add(node.args[0].value)
        self.generic_visit(node)

    def visit_Subscript(self, node):
        if (
            _last_name(node.value) == "GET"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
        ):
            self.names.add(node.slice.value)
        self.generic_visit(node)


def _last_name(node) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def query_names_in(path: Path) -> set[str]:
    visitor = _QueryNames()
    visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
    return visitor.names


def module_path(module: str) -> Path | None:
    if not module.startswith("ecommune."):
        return None
    relative = Path(*module.split(".")[1:])
    for candidate in (SOURCE / relative.with_suffix(".py"), SOURCE / relative / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def kit_form_classes() -> list[type]:
    """Every Form and ModelForm subclass defined in a module of the kit (modules imported
    first, so that none is missed)."""
    import importlib

    for path in kit_modules():
        relative = path.relative_to(SOURCE.parent).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        if ".migrations." in name or ".management." in name or name.endswith(".conf.settings"):
            continue
        importlib.import_module(name)
    found, seen = [], set()
    stack = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            stack.append(sub)
            if sub.__module__.startswith("ecommune.") and hasattr(sub, "base_fields"):
                found.append(sub)
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


def all_query_names() -> set[str]:
    """Every name the kit reads from a query string, and every field name of its forms (a
    form bound to ``request.GET`` reads its fields from it)."""
    names = set()
    for path in kit_modules():
        names |= query_names_in(path)
    for form in kit_form_classes():
        names |= set(form.base_fields)
    return names


# ---------------------------------------------------------------------------------------------
# A commune with something in every corner


@dataclass
class World:
    commune: object
    resident: object
    agent: object
    values: dict = field(default_factory=dict)  # parameter name -> plausible values
    benign_query: dict = field(default_factory=dict)  # query name -> a sensible value


def seed_world(tmp_path) -> World:
    """The demo commune (pages, counters, motives, schools, an election, a fiche), and for its
    resident a contact request, a booking, a household with a child, an invoice, a payment."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Page, Site

    from ecommune.accounts import invitations
    from ecommune.appointments import services as appointments
    from ecommune.appointments.models import Counter, Motive, QueueTicket
    from ecommune.appointments.slots import free_slots
    from ecommune.core import tenancy
    from ecommune.core.models import Commune
    from ecommune.core.registry import registry
    from ecommune.demo.seed import AGENT_EMAIL, DEMO_COMMUNE, RESIDENT_EMAIL, seed_demo
    from ecommune.families import households
    from ecommune.payments import invoices
    from ecommune.payments.balances import with_balances
    from ecommune.payments.models import Invoice
    from ecommune.payments.settlement import create_payment
    from ecommune.requests.services import Applicant, submit_request
    from ecommune.servicepublic.models import Fiche, Resource
    from ecommune.services.contact.models import ContactMessage

    seed_demo(tmp_path / "credentials.json")
    User = get_user_model()
    resident = User.objects.get(email=RESIDENT_EMAIL)
    agent = User.objects.get(email=AGENT_EMAIL)
    commune = Commune.for_site(Site.objects.get(hostname=DEMO_COMMUNE.domain))
    with tenancy.using(commune):
        commune.enabled_services = sorted(set(commune.enabled_services) | {"contact"})
        commune.save()
        filed, _new = submit_request(
            commune=commune,
            service=registry.get("contact"),
            applicant=Applicant("Marie", "Lefebvre", resident.email, user=resident),
        )
        ContactMessage.objects.create(
            request=filed, topic="roads", subject="Lampadaire", message="Éteint depuis lundi."
        )
        motive = Motive.objects.get(slug="etat-civil")
        today = timezone.localdate()
        # The resident's notice applies: early on a weekday, today's first slots are too near.
        _first, _last, notice = appointments.booking_window(commune)
        slot = free_slots(motive, today, today + datetime.timedelta(weeks=8), min_notice=notice)[0]
        booking = appointments.book(
            motive=motive,
            counter_id=slot.counter.pk,
            start=slot.start,
            first_name="Marie",
            last_name="Lefebvre",
            email=resident.email,
            user=resident,
        )
        household = households.get_or_create_household(resident, commune)
        child = households.add_child(
            household, first_name="Léo", last_name="Lefebvre", birth_date=datetime.date(2019, 3, 1)
        )
        line = invoices.LineDraft(label="Cantine", quantity=Decimal(5), unit_price=Decimal("2.50"))
        invoice = invoices.issue_invoice(household, [line], issued_on=today, send_notice=False)
        payment = create_payment(
            user=resident,
            household=household,
            invoices=with_balances(Invoice.objects.filter(pk=invoice.pk)),
        )
        counter = Counter.objects.first()
        ticket = QueueTicket.objects.create(counter=counter, number=1)
        # An agent invited and not there yet: the invitation page's link works.
        invited = invitations.invite_agent(
            None, commune=commune, email="ines.invitee@example.org", first_name="Inès"
        )
    home = commune.site.root_page
    references = [filed.reference, booking.reference, payment.reference]
    ids = sorted(
        {str(i) for i in (1, 2, 3, home.pk, counter.pk, child.pk, invoice.pk, filed.pk, agent.pk)}
        | {str(Page.objects.filter(depth=2).first().pk)}
    )
    values = {
        "int": ids,
        "reference": references,
        "number": [invoice.number],
        "slug": ["contact", "passeport", "etat-civil", *commune.enabled_services],
        "step": ["applicant", "message", "confirm"],
        "publication_id": [
            *Fiche.objects.values_list("publication_id", flat=True)[:2],
            *Resource.objects.values_list("publication_id", flat=True)[:1],
        ],
        "token": [
            counter.feed_token,
            appointments.link_token(booking, "cancel"),
            appointments.link_token(booking, "move"),
            str(payment.token),
            invitations.make_invitation_token(invited.user),
        ],
        "secret": [ticket.secret],
        "uuid": [str(payment.token)],
        "app_name": ["ecommune_core", "ecommune_appointments"],
        "model_name": ["commune", "appointmentsettings"],
        "app_label": ["ecommune_core", "wagtailcore"],
        "content_type_app_name": ["cms", "ecommune_cms"],
        "content_type_model_name": ["newspage"],
        "action": ["publish"],
        "action_name": ["publish"],
        "regex": [""],
    }
    benign_query = {
        "vue": "semaine",
        "guichet": str(counter.pk),
        "motif": "passeport",
        "q": "mairie",
        "jour": today.isoformat(),
        "semaine": today.isoformat(),
    }
    return World(commune, resident, agent, values, benign_query)
