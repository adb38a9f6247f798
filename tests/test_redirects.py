"""`next=` never sends a visitor to another site (the probe: `next=` on
`/admin/rendez-vous/<pk>/statut/` redirected anywhere).

Every place the kit reads a redirect target from a request goes through
``ecommune.core.redirects.safe_next``: a test reads the source to find any other; another
finds, by introspection, every URL pattern whose view can read ``next`` and sends it outside
targets as every kind of visitor, checking that no answer points outside."""

import ast
import inspect
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.contrib.auth.views import RedirectURLMixin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ecommune.core.redirects import safe_next
from ecommune.testing.factories import AgentFactory, UserFactory
from ecommune.testing.otp import login_agent

SRC = Path(__file__).resolve().parents[1] / "src" / "ecommune"
HELPER = "core/redirects.py"
HOST = "commune-a.test"
OUTSIDE = [
    "https://evil.example/",
    "//evil.example/chemin",
    "/\\evil.example/",
    "https:evil.example",
    "http://commune-a.test.evil.example/",
]


# What the source says -----------------------------------------------------------------------

# Reading a redirect target from the request, or checking one by hand.
READS_NEXT = re.compile(
    r"""(GET|POST|REQUEST|query_params|data)\s*(\.get\(|\[)\s*["'](next|redirect_to|return_to|retour|suivant)["']"""
    r"|HTTP_REFERER|url_has_allowed_host_and_scheme|get_valid_next_url_from_request"
)
TEMPLATE_READS_NEXT = re.compile(r"request\.(GET|POST)\.(next|redirect_to)|\{\{\s*next\s*\}\}")


def kit_files(pattern):
    for path in sorted(SRC.rglob(pattern)):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" not in relative and not relative.startswith("scaffold/"):
            yield relative, path


def test_only_the_helper_reads_a_redirect_target_from_the_request():
    found = [
        f"{relative}:{number}: {line.strip()}"
        for relative, path in kit_files("*.py")
        if relative != HELPER
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if READS_NEXT.search(line)
    ]
    assert found == []


def test_templates_show_only_a_next_their_view_checked():
    """A template may write ``{{ next }}`` (a hidden field, a link) only when its view put a
    checked value there: the views that render it all call ``safe_next``."""
    rendering = {}
    for relative, path in kit_files("*.py"):
        source = path.read_text()
        for template in re.findall(r"""["']([\w/]+\.html)["']""", source):
            rendering.setdefault(template, set()).add((relative, "safe_next(" in source))
    found = []
    for relative, path in kit_files("*.html"):
        text = path.read_text()
        for match in TEMPLATE_READS_NEXT.finditer(text):
            if match.group(0).startswith("request."):
                found.append(f"{relative}: {match.group(0)}")
                continue
            name = relative.split("/templates/", 1)[-1]
            views = rendering.get(name, set())
            if name.endswith("login.html"):
                continue  # Django's LoginView fills it: checked by the next test
            if not views or not all(checked for _, checked in views):
                found.append(f"{relative}: {{{{ next }}}} rendered by {sorted(views)}")
    assert found == []


def test_the_kits_sign_in_and_out_views_check_next_with_the_helper():
    views = [
        view_class
        for view_class in _view_classes(get_resolver().url_patterns)
        if issubclass(view_class, RedirectURLMixin) and view_class.__module__.startswith("ecommune")
    ]
    assert len(views) >= 2, views
    for view_class in views:
        source = inspect.getsource(view_class.get_redirect_url)
        assert "safe_next(" in source, view_class


def test_the_helper_follows_a_local_path_and_refuses_the_rest(rf):
    for target in ["/compte/profil/", "/admin/rendez-vous/?jour=2026-03-02", f"http://{HOST}/x"]:
        request = rf.get("/", {"next": target}, HTTP_HOST=HOST)
        assert safe_next(request, "/repli/") == target
    for target in OUTSIDE:
        request = rf.get("/", {"next": target}, HTTP_HOST=HOST)
        assert safe_next(request, "/repli/") == "/repli/", target
    # A secure request keeps HTTPS.
    secure = rf.get("/", {"next": f"http://{HOST}/x"}, HTTP_HOST=HOST, secure=True)
    assert safe_next(secure, "/repli/") == "/repli/"


# What the site does -------------------------------------------------------------------------


def _view_classes(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _view_classes(pattern.url_patterns)
        elif getattr(pattern.callback, "view_class", None) is not None:
            yield pattern.callback.view_class


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _view_of(pattern: URLPattern):
    callback = pattern.callback
    return getattr(callback, "view_class", None) or inspect.unwrap(callback)


def _reads_next(view) -> bool:
    """Whether the view may read ``next``: its module names it (the string ``"next"``, the
    helper or its field name), or it is one of Django's views that follow ``next``
    (sign-in, sign-out), the kit's or Wagtail's."""
    if inspect.isclass(view) and issubclass(view, RedirectURLMixin):
        return True
    module = inspect.getmodule(view)
    if module is None or not module.__name__.startswith("ecommune"):
        return False
    return any(
        (isinstance(node, ast.Constant) and node.value == "next")
        or (isinstance(node, ast.Name) and node.id in ("safe_next", "REDIRECT_FIELD_NAME"))
        for node in ast.walk(ast.parse(inspect.getsource(module)))
    )


def readers():
    found = []
    for route, pattern in _patterns(get_resolver().url_patterns):
        if "(?P" in route or route.startswith("^") or "/^" in route:
            continue
        if _reads_next(_view_of(pattern)):
            found.append(route)
    return found


def fill(route: str, booking_pk: int) -> str:
    """A URL for the route: integers are the booking's id, the rest a plausible value."""

    def value(match):
        converter = match.group(1) or "str"
        return {
            "int": str(booking_pk),
            "uuid": str(uuid.uuid4()),
            "slug": "passeport",
        }.get(converter, "x")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", value, route)


def points_outside(location: str) -> bool:
    # Browsers read a backslash as a slash.
    parts = urlsplit(location.replace("\\", "/").strip())
    return (
        bool(parts.netloc)
        and parts.netloc.lower() != HOST
        or (bool(parts.scheme) and parts.scheme not in ("http", "https"))
    )


@pytest.mark.django_db
def test_no_url_that_reads_next_sends_anyone_outside(commune, settings):
    from ecommune.appointments import services
    from ecommune.appointments.models import Counter, Motive
    from ecommune.core import tenancy
    from tests.appointments.conftest import at, quiet_monday

    settings.RATELIMIT_ENABLE = False  # hundreds of sign-in attempts from one address
    with tenancy.using(commune):
        counter = Counter.objects.create(name="Passeports")
        counter.add_weekly_opening([0, 1, 2, 3, 4], *_hours())
        motive = Motive.objects.create(name="Passeport", slug="passeport", duration_minutes=30)
        motive.counters.add(counter)
    booking = services.book(
        motive=motive,
        counter_id=counter.pk,
        start=at(quiet_monday(), 9),
        first_name="Camille",
        last_name="Martin",
        email="camille@example.org",
    )
    resident = UserFactory(email="camille@example.org")
    agent = AgentFactory(commune=commune, user__email="agent@mairie-a.test").user
    agent.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="ecommune_appointments")
    )
    visitors = {
        "anonymous": lambda client: None,
        "resident": lambda client: client.force_login(resident),
        "agent": lambda client: login_agent(client, agent),
    }
    routes = readers()
    assert any("rendez-vous/<int:pk>/statut/" in route for route in routes), routes
    assert any(route.startswith("compte/connexion") for route in routes), routes

    outside, reached = [], set()
    for route in routes:
        url = fill(route, booking.pk)
        for who, sign_in in visitors.items():
            for target in OUTSIDE:
                client = Client(HTTP_HOST=HOST, raise_request_exception=False)
                sign_in(client)
                answers = [
                    client.get(url, {"next": target}),
                    client.post(f"{url}?next={target}", {"next": target, "status": "seen"}),
                ]
                for method, response in zip(("GET", "POST"), answers, strict=True):
                    location = response.get("Location", "")
                    if location and points_outside(location):
                        outside.append(f"{who} {method} {url} next={target} → {location}")
                    if location:
                        reached.add(route)
    assert outside == []
    # The walk did reach the views that follow ``next``.
    assert any("statut" in route for route in reached), reached
    assert any(route.startswith("compte/connexion") for route in reached), reached


def _hours():
    import datetime

    return datetime.time(8, 30), datetime.time(12)
