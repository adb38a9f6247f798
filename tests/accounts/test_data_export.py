"""« Mes données »: the download holds what the kit keeps about the resident in this
commune — every link of the kit's models to the account is exported or is an agent's —
and nothing of anyone else."""

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from ecommune.accounts.exports import exporters
from ecommune.core import tenancy
from ecommune.core.models import Commune
from ecommune.demo.seed import RESIDENT_EMAIL, seed_demo
from ecommune.testing.wizard import APPLICANT, post_step

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "saint-ebrard.localhost"}

#: Links to an account that are an agent's doing, not the resident's data: the back office's
#: own records (who assigned, booked, published, changed), kept under its own rules.
AGENT_SIDE = {
    "ecommune_accounts.Agent.user": "the agent's own account",
    "ecommune_accounts.AuditEvent.actor": "the audit trail of agents' actions",
    "ecommune_requests.Request.assigned_to": "the agent a request is given to",
    "ecommune_requests.RequestEvent.actor": "who wrote an event (the history is exported)",
    "ecommune_families.Invitation.invited_by": "an invitation sent, gone once accepted or expired",
    "ecommune_appointments.Booking.booked_by": "the agent who booked at the counter",
    "ecommune_school.DayChange.changed_by": "the agent or guardian who changed a canteen day",
    "ecommune_procedures.ProcedureVersion.published_by": "the agent who published a procedure",
    "ecommune_payments.Refund.created_by": "the agent who refunded",
    "ecommune_api.ApiToken.created_by": "the agent who made an API token",
    "ecommune_webhooks.WebhookEndpoint.created_by": "the agent who registered a webhook",
}
#: Wagtail's page fields on the kit's page models: the editors'.
PAGE_FIELDS = {"owner", "locked_by"}


def links_to_the_account() -> set[str]:
    user_model = get_user_model()
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("ecommune."):
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                if field.name in PAGE_FIELDS and hasattr(model, "get_url_parts"):
                    continue
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_link_of_the_kit_to_the_account_is_exported_or_an_agents():
    covered = {
        link
        for _name, exporter in exporters.items()
        for link in getattr(exporter, "covers_links", ())
    }
    links = links_to_the_account()
    assert len(links) >= 20
    assert links - covered - set(AGENT_SIDE) == set(), "exported by no section of « Mes données »"
    assert (covered | set(AGENT_SIDE)) - links == set(), "a declared link that does not exist"


@pytest.fixture
def demo(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    seed_demo(tmp_path / "credentials.json")
    return get_user_model().objects.get(email=RESIDENT_EMAIL)


def test_the_demo_residents_download_holds_each_part_of_her_space(demo, client):
    client.force_login(demo)
    # A form left half-way: a draft.
    assert post_step(client, "contact", "applicant", APPLICANT, **HOST).status_code == 302
    response = client.get("/compte/mes-donnees.json", **HOST)
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["account"]["email"] == RESIDENT_EMAIL
    assert data["account"]["street_address"] == "12 rue des Tilleuls"
    with tenancy.using(Commune.unscoped.get()):
        from ecommune.requests.models import Request

        references = set(Request.objects.filter(applicant=demo).values_list("reference", flat=True))
    assert {row["reference"] for row in data["requests"]} == references and references
    waiting = next(row for row in data["requests"] if row["status"] == "waiting_resident")
    assert waiting["answers"] and waiting["history"]
    assert all("submission_key" not in row for row in data["requests"])
    assert [draft["service"] for draft in data["drafts"]] == ["contact"]
    assert data["appointments"] and data["appointments"][0]["motive"]
    assert data["family"]["children"] and data["family"]["children"][0]["first_name"]
    assert data["invoices"] and data["invoices"][0]["lines"]
    assert "token" not in json.dumps(data["payments"])


def test_the_download_holds_nothing_of_another_resident(demo, client):
    from ecommune.requests.models import Request

    other = get_user_model().objects.create_user(email="autre@example.org", password="x" * 20)
    client.force_login(other)
    data = json.loads(client.get("/compte/mes-donnees.json", **HOST).content)
    assert data["requests"] == [] and data["appointments"] == [] and data["family"] is None
    assert data["invoices"] == [] and data["documents"] == [] and data["drafts"] == []
    with tenancy.using(Commune.unscoped.get()):
        theirs = list(Request.objects.filter(applicant=demo).values_list("reference", flat=True))
    text = json.dumps(data)
    assert theirs and not any(reference in text for reference in theirs)
    assert RESIDENT_EMAIL not in text
