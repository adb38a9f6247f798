"""The designer in the back office: an agent with the permission adds a procedure with its
steps, fields and statuses inline; bad input is refused next to its field; publishing makes
versions; a procedure with requests is archived, never deleted; the template library."""

import pytest

from ecommune.procedures.library import TEMPLATES
from ecommune.procedures.models import Procedure
from ecommune.procedures.publishing import publish_procedure
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent
from ecommune.testing.wizard import walk_wizard

pytestmark = pytest.mark.django_db

DESIGNER = tuple(
    f"ecommune_procedures.{action}_procedure" for action in ("add", "change", "delete", "view")
)
ADD_URL = "/admin/demarches-concues/new/"


@pytest.fixture
def designer(client, commune, private_storage):
    agent = AgentFactory(commune=commune, services=[], permissions=DESIGNER)
    login_agent(client, agent.user)
    return agent


def formset(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
        data[f"{prefix}-{index}-DELETE"] = ""
        data[f"{prefix}-{index}-id"] = ""
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def payload(*, steps=None, fields=None, statuses=(), **head):
    data = {
        "title": "Prêt de matériel",
        "slug": "",
        "summary": "Empruntez des tables.",
        "who_can_ask": "",
        "access": "anyone",
        "processing_days": "5",
        "agents_group": "",
        "acknowledgment_message": "",
        "purpose": "Gérer les prêts.",
        "retention": "1 an.",
        **head,
    }
    steps = [{"title": "Le matériel"}, {"title": "La livraison"}] if steps is None else steps
    fields = (
        [
            {
                "step": "1",
                "kind": "yes_no",
                "label": "Livraison",
                "name": "livraison",
                "required": "on",
            },
            {"step": "2", "kind": "file", "label": "Plan", "name": "plan", "file_types": ["pdf"]},
        ]
        if fields is None
        else fields
    )
    data.update(formset("steps", steps))
    data.update(formset("fields", fields))
    data.update(formset("statuses", list(statuses)))
    return data


def errors(response) -> str:
    import re

    html = response.content.decode()
    return " ".join(
        re.findall(r'class="error-message"[^>]*>\s*<p>(.*?)</p>', html, re.S)
    ) + " ".join(re.findall(r'<p class="error-message">(.*?)</p>', html, re.S))


def test_a_designer_adds_a_procedure_with_its_steps_and_fields(client, designer):
    response = client.post(ADD_URL, payload())
    assert response.status_code == 302, errors(response)
    procedure = Procedure.objects.get()
    assert procedure.slug == "pret-de-materiel"
    assert [f.name for f in procedure.fields.all()] == ["livraison", "plan"]
    assert procedure.fields.get(name="plan").file_types == ["pdf"]
    edit = client.get(f"/admin/demarches-concues/edit/{procedure.pk}/")
    html = edit.content.decode()
    assert f"/{procedure.pk}/apercu/" in html and f"/{procedure.pk}/publier/" in html


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"processing_days": "0"}, "365"),
        ({"processing_days": "400"}, "365"),
        ({"slug": "contact"}, "démarche du kit"),
        (
            {
                "fields": [
                    {"step": "1", "kind": "short_text", "label": "Nom", "name": "nom"},
                    {"step": "2", "kind": "short_text", "label": "Nom bis", "name": "nom"},
                ]
            },
            "Deux champs",
        ),
        (
            {"fields": [{"step": "1", "kind": "short_text", "label": "Nom", "name": "nom"}]},
            "aucun champ",
        ),
        (
            {
                "fields": [
                    {
                        "step": "1",
                        "kind": "short_text",
                        "label": "A",
                        "name": "a",
                        "condition_field": "b",
                        "condition_value": "x",
                    },
                    {"step": "2", "kind": "short_text", "label": "B", "name": "b"},
                ]
            },
            "vient après",
        ),
        (
            {
                "fields": [
                    {
                        "step": "1",
                        "kind": "short_text",
                        "label": "A",
                        "name": "a",
                        "condition_field": "zz",
                        "condition_value": "x",
                    },
                    {"step": "2", "kind": "short_text", "label": "B", "name": "b"},
                ]
            },
            "Aucun champ nommé",
        ),
        (
            {
                "fields": [
                    {"step": "1", "kind": "short_text", "label": "A", "name": "a"},
                    {"step": "2", "kind": "file", "label": "B", "name": "b", "file_types": ["exe"]},
                ]
            },
            "exe",
        ),
        (
            {
                "fields": [
                    {"step": "1", "kind": "short_text", "label": "A", "name": "a"},
                    {
                        "step": "2",
                        "kind": "file",
                        "label": "B",
                        "name": "b",
                        "file_types": ["pdf"],
                        "max_megabytes": "50",
                    },
                ]
            },
            "au plus",
        ),
        (
            {
                "fields": [
                    {"step": "1", "kind": "radio", "label": "A", "name": "a", "choices": "Un"},
                    {"step": "2", "kind": "short_text", "label": "B", "name": "b"},
                ]
            },
            "deux choix",
        ),
    ],
)
def test_bad_input_is_refused_next_to_its_field(client, designer, change, expected):
    response = client.post(ADD_URL, payload(**change))
    assert response.status_code == 200
    assert expected in response.content.decode(), errors(response)
    assert not Procedure.objects.exists()


def test_publishing_makes_versions_and_a_procedure_with_requests_is_only_archived(client, designer):
    client.post(ADD_URL, payload())
    procedure = Procedure.objects.get()
    page = client.get(f"/admin/demarches-concues/{procedure.pk}/publier/")
    assert "Publier maintenant" in page.content.decode()
    assert client.post(f"/admin/demarches-concues/{procedure.pk}/publier/").status_code == 302
    assert procedure.versions.get().number == 1
    resident = type(client)()
    run = walk_wizard(resident, procedure.slug, {"etape-1": {"livraison": "no"}})
    assert run.filed.procedure_answer.version.number == 1
    assert procedure.has_requests()
    delete = client.post(f"/admin/demarches-concues/delete/{procedure.pk}/")
    assert delete.status_code in (302, 403) and Procedure.objects.filter(pk=procedure.pk).exists()


def test_the_preview_shows_the_wizard_and_files_nothing(client, designer):
    from ecommune.requests.models import Request

    client.post(ADD_URL, payload())
    procedure = Procedure.objects.get()
    start = client.get(f"/admin/demarches-concues/{procedure.pk}/apercu/", follow=True)
    html = start.content.decode()
    assert "Aperçu" in html and "Prêt de matériel" in html
    prefix = f"ecommune_preview_{procedure.pk}"
    step = f"/admin/demarches-concues/{procedure.pk}/apercu/"
    client.post(
        step + "applicant/",
        {
            f"{prefix}-current_step": "applicant",
            "applicant-first_name": "A",
            "applicant-last_name": "B",
            "applicant-email": "a@example.org",
        },
    )
    client.post(step + "etape-1/", {f"{prefix}-current_step": "etape-1", "etape-1-livraison": "no"})
    client.post(step + "etape-2/", {f"{prefix}-current_step": "etape-2"})
    done = client.post(
        step + "confirm/",
        {f"{prefix}-current_step": "confirm", "confirm-certify": "on"},
        follow=True,
    )
    assert "<h1>Fin de l’aperçu</h1>" in done.content.decode()
    assert not Request.objects.exists()


def test_every_template_of_the_library_copies_and_publishes(client, designer):
    for key in TEMPLATES:
        response = client.post("/admin/demarches-concues/modeles/", {"template": key})
        assert response.status_code == 302
    for procedure in Procedure.objects.all():
        assert publish_procedure(procedure).number == 1
    assert Procedure.objects.count() == 5


def test_an_agent_without_the_permission_cannot_design(client, commune):
    agent = AgentFactory(commune=commune, services=[])
    login_agent(client, agent.user)
    assert client.get(ADD_URL).status_code in (302, 403)
