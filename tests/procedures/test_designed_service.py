"""A procedure designed in the database is a service: the registry finds it for its commune
only, residents file it through the engine's wizard (conditions without JavaScript, the
engine's upload checks), a request keeps the version it was filed with."""

import pytest

from ecommune.core.registry import registry
from ecommune.core.tenancy import using
from ecommune.procedures.models import Procedure, ProcedureAnswer, ProcedureField, ProcedureStep
from ecommune.procedures.publishing import publish_procedure
from ecommune.requests.models import Request
from ecommune.testing.factories import make_commune
from ecommune.testing.wizard import errors_of, pdf_upload, post_step, walk_wizard

pytestmark = pytest.mark.django_db


def design(commune, **overrides) -> Procedure:
    procedure = Procedure(
        commune=commune,
        title="Prêt de matériel",
        slug="pret-materiel",
        summary="Empruntez des tables et des chaises.",
        processing_days=5,
        purpose="Gérer les prêts de matériel.",
        retention="1 an.",
        acknowledgment_message="Nous préparons le matériel.",
        **overrides,
    )
    procedure.steps = [
        ProcedureStep(title="Le matériel", sort_order=0),
        ProcedureStep(
            title="La livraison", condition_field="livraison", condition_value="Oui", sort_order=1
        ),
    ]
    procedure.fields = [
        ProcedureField(
            step=1,
            kind="radio",
            label="Matériel",
            name="materiel",
            choices="Tables\nChaises",
            sort_order=0,
        ),
        ProcedureField(step=1, kind="number", label="Quantité", name="quantite", sort_order=1),
        ProcedureField(step=1, kind="yes_no", label="Livraison", name="livraison", sort_order=2),
        ProcedureField(
            step=1,
            kind="short_text",
            label="Association",
            name="asso",
            required=True,
            condition_field="livraison",
            condition_value="Oui",
            sort_order=3,
        ),
        ProcedureField(step=2, kind="address", label="Adresse", name="adresse", sort_order=4),
        ProcedureField(
            step=2,
            kind="file",
            label="Plan d'accès",
            name="plan",
            file_types=["pdf"],
            max_megabytes=1,
            required=False,
            sort_order=5,
        ),
    ]
    procedure.save()
    return procedure


@pytest.fixture
def published(commune, private_storage):
    procedure = design(commune)
    assert publish_procedure(procedure).number == 1
    return procedure


def test_the_registry_finds_a_published_procedure_for_its_commune_only(published, commune):
    service = registry.get("pret-materiel")
    assert service.designed and service.processing_days == 5
    assert "pret-materiel" in registry and commune.has_service("pret-materiel")
    assert service in commune.services()
    assert service.check_contract() == []
    other = make_commune("Commune-B", "commune-b.test")
    with using(other):
        assert "pret-materiel" not in registry
    published.archived = True
    published.save()
    assert "pret-materiel" not in registry


def test_a_resident_files_it_and_the_dependent_step_follows_the_choice(client, published):
    run = walk_wizard(
        client,
        "pret-materiel",
        {
            "etape-1": {
                "materiel": "Tables",
                "quantite": "4,5",
                "livraison": "yes",
                "asso": "Club",
            },
            "etape-2": {
                "adresse__street": "1 rue Haute",
                "adresse__postal_code": "44000",
                "adresse__city": "Nantes",
            },
        },
        files={"etape-2": {"plan": pdf_upload("plan.pdf")}},
    )
    assert run.steps == ["applicant", "etape-1", "etape-2", "confirm"]
    filed = run.filed
    answer = ProcedureAnswer.objects.get(request=filed)
    assert answer.answers["etape-1"] == {
        "materiel": "Tables",
        "quantite": "4.5",
        "livraison": "yes",
        "asso": "Club",
    }
    assert answer.answers["etape-2"]["adresse"]["city"] == "Nantes"
    assert filed.documents.count() == 1
    rows = dict(filed.service_class().summary_rows(filed.service_class().stored_data(filed)))
    assert rows["Livraison"] == "Oui" and rows["Adresse"] == "1 rue Haute, 44000 Nantes"
    assert rows["Quantité"] == "4,5"
    assert "Nous préparons le matériel." in run.response.content.decode()


def test_without_the_choice_the_step_and_the_field_are_skipped(client, published):
    run = walk_wizard(
        client,
        "pret-materiel",
        {"etape-1": {"materiel": "Chaises", "quantite": "10", "livraison": "no", "asso": "X"}},
    )
    assert run.steps == ["applicant", "etape-1", "confirm"]
    assert "asso" not in ProcedureAnswer.objects.get(request=run.filed).answers["etape-1"]


def test_answers_are_refused_next_to_the_field(client, published):
    client.get("/demarches/pret-materiel/")
    post_step(
        client,
        "pret-materiel",
        "applicant",
        {"first_name": "A", "last_name": "B", "email": "a@example.org"},
    )
    page = post_step(
        client,
        "pret-materiel",
        "etape-1",
        {"materiel": "Bancs", "quantite": "abc", "livraison": "yes"},
    )
    errors = errors_of(page)
    assert "Bancs" in errors and "nombre" in errors and "requis" in errors
    # Nothing typed is lost.
    assert 'value="abc"' in page.content.decode()


def test_an_upload_outside_the_chosen_types_is_refused(client, published):
    client.get("/demarches/pret-materiel/")
    post_step(
        client,
        "pret-materiel",
        "applicant",
        {"first_name": "A", "last_name": "B", "email": "a@example.org"},
    )
    post_step(
        client,
        "pret-materiel",
        "etape-1",
        {"materiel": "Tables", "quantite": "1", "livraison": "yes", "asso": "C"},
    )
    from ecommune.testing.wizard import PDF

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    address = {
        "adresse__street": "1 rue",
        "adresse__postal_code": "44000",
        "adresse__city": "Nantes",
    }
    page = post_step(
        client, "pret-materiel", "etape-2", address, {"plan": pdf_upload("plan.pdf", png)}
    )
    assert "PDF" in errors_of(page)
    page = post_step(
        client,
        "pret-materiel",
        "etape-2",
        address,
        {"plan": pdf_upload("plan.pdf", b"MZ" + b"\0" * 300)},
    )
    assert errors_of(page)
    big = PDF + b" " * (1024 * 1024)
    page = post_step(
        client, "pret-materiel", "etape-2", address, {"plan": pdf_upload("plan.pdf", big)}
    )
    assert "1,0" in errors_of(page) or "Mo" in errors_of(page)


def test_a_request_keeps_its_version_after_the_procedure_changes(client, published):
    run = walk_wizard(
        client,
        "pret-materiel",
        {"etape-1": {"materiel": "Chaises", "quantite": "10", "livraison": "no"}},
    )
    field = published.fields.get(name="materiel")
    field.label = "Matériel souhaité"
    field.choices = "Tables\nChaises\nBancs"
    field.save()
    assert publish_procedure(published).number == 2
    assert publish_procedure(published) is None  # nothing changed since
    filed = Request.objects.get(pk=run.filed.pk)
    assert filed.service_class().version_number == 1
    assert "Matériel" in dict(
        filed.service_class().summary_rows(filed.service_class().stored_data(filed))
    )
    assert registry.get("pret-materiel").version_number == 2
    assert published.has_requests()


def test_the_designers_messages_go_with_the_acknowledgment_and_the_statuses(client, published):
    from ecommune.notifications.models import OutboxMessage
    from ecommune.procedures.models import ProcedureStatus
    from ecommune.requests.services import change_status

    ProcedureStatus.objects.create(
        procedure=published, status="accepted", message="Le matériel vous attend.", sort_order=0
    )
    ProcedureStatus.objects.create(
        procedure=published, status="extra", label="Matériel rendu", closes=True, sort_order=1
    )
    assert publish_procedure(published).number == 2
    service = registry.get("pret-materiel")
    assert dict(service.statuses)["x-materiel-rendu"] == "Matériel rendu"
    assert "x-materiel-rendu" in service.closed_statuses
    assert "x-materiel-rendu" in service.transitions["accepted"]
    run = walk_wizard(
        client,
        "pret-materiel",
        {"etape-1": {"materiel": "Chaises", "quantite": "10", "livraison": "no"}},
    )
    ack = OutboxMessage.objects.get(event="request.acknowledged", channel="email")
    assert "Nous préparons le matériel." in ack.body
    change_status(run.filed, "accepted", actor=None, comment="")
    notice = OutboxMessage.objects.get(event="request.status_changed", channel="email")
    assert "Le matériel vous attend." in notice.body
