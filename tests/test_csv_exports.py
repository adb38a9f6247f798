"""CSV formula injection (issue 13, class 9): every CSV the kit serves, found by walking
every URL pattern, defuses cells a spreadsheet would run as a formula.

The walk calls every URL pattern without arguments, plain and with ``?export=csv``
(Wagtail's spreadsheet exports), as an agent of the commune who handles every service and
as a superuser, with rows seeded by the kit's own code paths and then every free-text
field of the models that reach an export set to a hostile value. A response is a CSV when
its type or its file name says so, whatever view made it: each must come from the kit's
one writer (``ecommune.core.csv_export``) and no cell may start with ``= + - @``, a tab or
a carriage return. A source test catches a CSV written elsewhere behind a URL with
arguments, which the walk does not call.
"""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from ecommune.core import csv_export, tenancy
from ecommune.testing.factories import AgentFactory, SchoolFactory, UserFactory
from ecommune.testing.otp import login_agent

pytestmark = [pytest.mark.django_db, pytest.mark.walk]

HOST = "commune-a.test"
PAYLOADS = ['=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(1)", "\t=1", "\r=1"]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

# The models whose rows reach an export, and the fields of theirs that are not free text
# (codes the kit chooses from a fixed set: changing them would hide the row, not test it).
REACHING_EXPORTS = {
    "ecommune_requests.Request": {"service", "status", "channel"},
    "ecommune_elections.Registration": set(),
    "ecommune_elections.Election": set(),
    "ecommune_school.School": set(),
    "ecommune_school.SchoolEnrolment": set(),
    "ecommune_families.Household": set(),
    "ecommune_families.Child": set(),
    "ecommune_payments.Invoice": set(),
    "ecommune_payments.Payment": {"variant", "currency"},
    "ecommune_accounts.User": {"password"},
    "wagtailcore.Page": {"url_path"},
    "wagtailcore.PageLogEntry": {"action"},
    "wagtailcore.Workflow": set(),
    "wagtailcore.Task": set(),
    "wagtailredirects.Redirect": set(),
}

# The kit's own exports and the Wagtail reports the seeded rows fill: each must be found by
# the walk and must show a hostile value, defused (the proof that the seeding reached it).
EXPECTED_WITH_DATA = {
    "/admin/paiements/impayes.csv",
    "/admin/paiements/paiements.csv",
    "/admin/ecoles/inscriptions.csv",
    "/admin/listes-electorales/export-reu.csv",
    "/admin/demandes/export.csv",
    "/admin/reports/site-history/?export=csv",
    "/admin/reports/aging-pages/?export=csv",
    "/admin/reports/locked/?export=csv",
    "/admin/reports/workflow/?export=csv",
    "/admin/reports/workflow_tasks/?export=csv",
    "/admin/redirects/?export=csv",
}


def _in_unique_constraints(model) -> set[str]:
    names = {name for together in model._meta.unique_together for name in together}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
    return names


def _text_fields(model, skipped):
    """Free-text fields; not the identifiers the kit makes (unique alone or together)."""
    skipped = skipped | _in_unique_constraints(model)
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, (models.CharField, models.TextField))
            and not isinstance(field, models.SlugField)
            and not field.choices
            and not field.unique
            and not field.primary_key
            and field.name not in skipped
        ):
            yield field


def poison(commune, payload: str) -> int:
    """Set every free-text field of every row reaching an export to ``payload`` (cut to
    the column's length); returns how many fields were set."""
    count = 0
    with tenancy.using(commune):
        for label, skipped in REACHING_EXPORTS.items():
            model = apps.get_model(label)
            fields = list(_text_fields(model, skipped))
            values = {
                field.name: payload[: field.max_length] if field.max_length else payload
                for field in fields
            }
            queryset = model.objects.all()
            if label == "wagtailcore.Page":
                queryset = queryset.filter(depth__gt=1)
            queryset.update(**values)
            count += len(fields)
    return count


def seed(commune, agent_user, superuser):
    """Rows for every export, made through the kit's own code, as the commune."""
    with tenancy.using(commune):
        _seed(commune, agent_user, superuser)


def _seed(commune, agent_user, superuser):
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowTask

    from ecommune.cms.models import StandardPage
    from ecommune.families import households
    from ecommune.payments import settlement
    from ecommune.requests.services import Applicant, Beneficiary, submit_request
    from ecommune.services.contact.service import ContactService
    from ecommune.services.elections import actions as elections
    from ecommune.services.elections.models import Election, Registration
    from ecommune.services.elections.service import ElectionsService
    from ecommune.services.school import enrolments
    from ecommune.services.school.enrolment_forms import next_school_year
    from ecommune.services.school.models import SchoolEnrolment
    from ecommune.services.school.service import SchoolEnrolmentService
    from tests.payments.conftest import make_invoice

    applicant = Applicant("Camille", "Martin", "camille@example.org", phone="06 12 34 56 78")
    # The inbox: a contact request for someone else, assigned to the agent.
    contact, _ = submit_request(
        commune=commune,
        service=ContactService,
        applicant=applicant,
        beneficiary=Beneficiary("Léa", "Martin", "parent", "lea@example.org"),
    )
    contact.assigned_to = agent_user
    contact.save(update_fields=["assigned_to"])
    # The REU export: a registration entered in the REU, for an election.
    filed, _ = submit_request(commune=commune, service=ElectionsService, applicant=applicant)
    election = Election.objects.create(
        commune=commune, name="Municipales", first_round=datetime.date(2027, 3, 14)
    )
    Registration.objects.create(
        commune=commune,
        request=filed,
        election=election,
        nationality="eu",
        eu_country="DE",
        lists="general",
        sex="F",
        birth_last_name="Martin",
        usage_name="Durand",
        first_names="Camille",
        birth_date=datetime.date(1990, 5, 4),
        birth_place="Nantes",
        birth_area="Loire-Atlantique (44)",
        previous_commune="Rezé",
        ground="domicile",
        street_address="1 rue de la Mairie",
        postal_code="44000",
        city="Commune-A",
        identity_kind="id_card",
        identity_expires_on=datetime.date(2030, 1, 1),
    )
    elections.enter_in_reu(filed, actor=agent_user)
    # The school lists: an enrolment accepted at a school.
    school = SchoolFactory(commune=commune, name="École Jules-Ferry", levels=["CP"])
    enrolled, _ = submit_request(
        commune=commune, service=SchoolEnrolmentService, applicant=applicant
    )
    enrolment = SchoolEnrolment.objects.create(
        commune=commune,
        request=enrolled,
        child_first_name="Léa",
        child_last_name="Martin",
        child_birth_date=datetime.date(2020, 3, 2),
        school_year=next_school_year(),
        level="CP",
        street_number="1",
        street_name="rue de la Mairie",
        postal_code="44990",
        city="Saint-Ébrard-sur-Loire",
    )
    enrolments.accept(enrolment, school=school, actor=agent_user)
    # The treasury: a household with an invoice paid today and one left to pay.
    parent = UserFactory(email="parent@example.org", first_name="Marie", last_name="Lefebvre")
    household = households.get_or_create_household(parent, commune)
    paid = make_invoice(household, "10.00")
    payment = settlement.create_payment(
        user=parent,
        household=household,
        invoices=settlement.payable_invoices(household, [paid.pk]),
    )
    payment.transaction_id = payment.reference
    payment.save()
    settlement.confirm(payment)
    make_invoice(household, "20.00")
    # Wagtail's reports: a published page, locked, in moderation; a redirect.
    home = commune.site.root_page
    page = home.add_child(instance=StandardPage(title="Horaires", slug="horaires"))
    page.save_revision(user=superuser).publish(user=superuser)
    workflow = Workflow.objects.create(name="Relecture")
    task = GroupApprovalTask.objects.create(name="Relecture du service")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    page.save_revision(user=superuser)
    workflow.start(page, superuser)
    Page.objects.filter(pk=page.pk).update(
        locked=True, locked_by=superuser, locked_at=timezone.now()
    )
    Redirect.objects.create(old_path="/ancien", redirect_link="https://example.org/", site=None)


@pytest.fixture
def seeded(commune):
    commune.enabled_services = ["contact", "elections", "school"]
    commune.save()
    agent = AgentFactory(commune=commune, services=list(commune.enabled_services))
    superuser = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    seed(commune, agent.user, superuser)
    return commune, agent.user, superuser


# The walk ----------------------------------------------------------------------------------


def _unescape(regex: str) -> str | None:
    path = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    path = re.sub(r"\\(.)", r"\1", path)
    return None if re.search(r"[()\[\]{}*+?|]", path) else path


def argument_free_paths(patterns=None, prefix=""):
    """The path of every URL pattern that takes no argument, with its pattern's name."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if entry.pattern.regex.groups:
            continue
        part = _unescape(entry.pattern.regex.pattern)
        if part is None:
            continue
        if isinstance(entry, URLResolver):
            yield from argument_free_paths(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + part, entry.name


def is_csv(response) -> bool:
    kind = response.get("Content-Type", "").split(";")[0].strip().lower()
    disposition = response.get("Content-Disposition", "").lower()
    return kind in ("text/csv", "application/csv", "text/comma-separated-values") or bool(
        re.search(r"\.csv\b", disposition)
    )


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def cells(response) -> list[str]:
    text = body(response).decode("utf-8").removeprefix("\ufeff")
    header = text.partition("\n")[0]
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def get(client, user, url):
    response = client.get(url, HTTP_HOST=HOST)
    if "_auth_user_id" not in client.session:  # a view signed the user out: back in
        login_agent(client, user)
    return response


def find_csv_views(client, user) -> dict:
    """Every URL answering with a CSV for ``user``: {url: response}."""
    found = {}
    for path, _name in argument_free_paths():
        for url in (path, path + "?export=csv"):
            response = get(client, user, url)
            if response.status_code == 200 and is_csv(response):
                found[url] = response
                break  # a CSV already: the query string changes nothing
    return found


def unsafe_cells(response) -> list[str]:
    return [cell for cell in cells(response) if cell.startswith(DANGEROUS)]


def test_every_csv_the_kit_serves_is_written_by_the_one_writer_and_defused(
    client, django_user_model, seeded
):
    commune, agent_user, superuser = seeded
    assert poison(commune, PAYLOADS[0]) > 40

    # Wagtail's /admin/failwhale/ raises on purpose; a CSV view that fails is caught below,
    # by the exports expected with data.
    client.raise_request_exception = False
    found = {}
    for user in (agent_user, superuser):
        login_agent(client, user)
        for url, response in find_csv_views(client, user).items():
            found.setdefault(url, []).append((user, response))
        client.logout()

    assert set(found) >= EXPECTED_WITH_DATA, sorted(EXPECTED_WITH_DATA - set(found))
    problems = []
    for url, answers in sorted(found.items()):
        for user, response in answers:
            if not getattr(response, csv_export.MARK, False):
                problems.append(f"{url} ({user.email}): not written by ecommune.core.csv_export")
            if bad := unsafe_cells(response):
                problems.append(f"{url} ({user.email}): {bad[:3]}")
    assert not problems, "\n".join(problems)

    # Every other hostile value, in every CSV found, for the users who found it.
    for payload in PAYLOADS:
        poison(commune, payload)
        for url, answers in sorted(found.items()):
            for user, _response in answers:
                login_agent(client, user)
                response = get(client, user, url)
                assert response.status_code == 200 and is_csv(response), url
                values = cells(response)
                bad = [cell for cell in values if cell.startswith(DANGEROUS)]
                assert not bad, f"{url} ({user.email}) {payload!r}: {bad[:3]}"
                if url in EXPECTED_WITH_DATA and user.is_superuser:
                    assert "'" + payload in values, f"{url}: {payload!r} never reached it"


# No CSV written behind the writer's back ----------------------------------------------------

SOURCE = Path(csv_export.__file__).resolve().parents[1]
WRITING_CSV = re.compile(
    r"\bcsv\.(writer|DictWriter)\b|from csv import .*\b(writer|DictWriter)\b|(text|application)/csv"
)


def test_no_module_but_the_writer_writes_csv():
    """A CSV view with arguments is not called by the walk: its source is read instead."""
    writers = {
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if WRITING_CSV.search(path.read_text(encoding="utf-8"))
    }
    assert writers == {"core/csv_export.py"}


# The writer --------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_writer_defuses_a_cell_a_spreadsheet_would_run(payload):
    text = csv_export.to_text([["Nom", payload]])
    row = next(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert row == ["Nom", "'" + payload]


def test_the_writer_keeps_ordinary_text_numbers_and_figures_the_kit_computed():
    rows = [
        ["Martin", "06 12 34 56 78", "O'Neil", "", None],
        [
            12,
            Decimal("-3.50"),
            csv_export.Figure(Decimal("-12.5"), places=2),
            csv_export.Figure(-3),
        ],
    ]
    text = csv_export.to_text(rows)
    assert text.startswith("\ufeff") and text.endswith("\r\n")
    parsed = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert parsed == [
        ["Martin", "06 12 34 56 78", "O'Neil", "", ""],
        ["12", "-3.50", "-12,50", "-3"],
    ]


def test_a_figure_is_made_of_a_number_only():
    with pytest.raises(TypeError):
        csv_export.Figure("-1+1")
    with pytest.raises(TypeError):
        csv_export.Figure(True)
    assert csv_export.Figure(Decimal("0.1"), places=2) == "0,10"


def test_text_that_looks_like_a_number_is_still_text():
    """A resident's « -1 » is not the kit's number: it is defused like any typed text."""
    assert csv_export.cell("-1") == "'-1"
    assert csv_export.cell("+33 6 12 34 56 78") == "'+33 6 12 34 56 78"


def test_the_dialect_of_each_export_is_kept():
    wagtail = csv_export.to_text([["a", "=b"]], dialect=csv_export.WAGTAIL)
    assert wagtail == "a,'=b\r\n"
    streamed = "".join(csv_export.lines([["a"], ["b;c"]]))
    assert streamed == '\ufeffa\r\n"b;c"\r\n'


def test_the_response_is_marked_and_names_its_file():
    response = csv_export.response([["a"]], "liste.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="liste.csv"'
    assert getattr(response, csv_export.MARK) is True
    assert response.content.decode("utf-8") == "\ufeffa\r\n"
    streaming = csv_export.response([["a"]], "liste.csv", streaming=True)
    assert b"".join(streaming.streaming_content).decode("utf-8") == "\ufeffa\r\n"
