"""The electoral-roll service on the Service contract: every answer of its steps shows on the
summary before sending and, as saved, on the agent's page; its desk page offers the
service's ``desk_actions`` for the request's status and runs them through the engine."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ecommune.accounts.models import AuditEvent
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.models import Request
from ecommune.services.elections.models import Registration
from ecommune.services.elections.service import ElectionsService
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent
from tests.services.helpers import (
    APPLICANT,
    PDF,
    post_step,
    private_storage,  # noqa: F401  (fixture)
)
from tests.services.test_elections import electoral  # noqa: F401  (fixture)
from tests.services.test_elections_agent import file_registration

# After the municipal deadline (6 February 2026), before the exceptions' (5 March): an
# exception of L30 counts, so every optional answer is kept.
AFTER_DEADLINE = datetime.datetime(2026, 2, 10, 10, tzinfo=datetime.UTC)

EVERY_ANSWER = {
    "voter": {
        "nationality": "eu",
        "eu_country": "IT",
        "lists": "municipal_european",
        "eu_not_deprived": "on",
        "eu_vote_once": "on",
        "sex": "F",
        "birth_last_name": "Rossi",
        "usage_name": "Bianchi",
        "first_names": "Giulia Maria",
        "birth_date": "1992-07-14",
        "birth_place": "Torino",
        "birth_area": "Italie",
        "previous_commune": "Rezé",
        "late_exception": "moved_for_work",
    },
    "attachment": {
        "ground": "domicile",
        "street_address": "4 rue des Tilleuls",
        "postal_code": "44000",
        "city": "Commune-A",
        "proof_dated": "2026-01-30",
        "identity_kind": "passport",
        "identity_expires_on": "2030-01-01",
    },
}
FILES = {"proof_of_attachment": "facture.pdf", "identity_document": "passeport.pdf"}


def step_fields(step):
    """The declared fields of a step's form, by name."""
    return dict(next(s for s in ElectionsService.steps if s.name == step).form_class().base_fields)


def labelled(rows) -> dict:
    return {str(label): str(value) for label, value in rows}


def test_every_answer_of_the_test_is_a_field_of_the_steps():
    """The walk below covers every field of both steps: none is left unanswered."""
    for step, answers in EVERY_ANSWER.items():
        names = set(answers) | {n for n in FILES if n in step_fields(step)}
        assert names == set(step_fields(step)), step


@pytest.mark.django_db
@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_the_summary_and_the_agents_page_show_every_answer(client, electoral):  # noqa: F811
    assert post_step(client, "elections", "applicant", APPLICANT).status_code == 302
    assert post_step(client, "elections", "voter", EVERY_ANSWER["voter"]).status_code == 302
    files = {
        name: SimpleUploadedFile(filename, PDF + name.encode(), "application/pdf")
        for name, filename in FILES.items()
    }
    response = post_step(client, "elections", "attachment", EVERY_ANSWER["attachment"], files)
    assert response.status_code == 302
    summary = labelled(client.get("/demarches/elections/confirm/").context["summary"])

    for step, answers in EVERY_ANSWER.items():
        fields = step_fields(step)
        for name in answers:
            assert str(fields[name].label) in summary, name
    for name, filename in FILES.items():
        assert summary[str(step_fields("attachment")[name].label)] == filename
    assert summary[str(step_fields("voter")["eu_country"].label)] == "Italie"
    assert summary["Date de naissance"] == "14 juillet 1992"
    assert summary["Vaut pour"].startswith("élections municipales (premier tour le 15 mars 2026)")

    done = post_step(client, "elections", "confirm", {"certify": "on"})
    client.get(done["Location"])
    filed = Request.unscoped.get(service="elections")
    registration = Registration.unscoped.get(request=filed)
    assert registration.eu_not_deprived and registration.eu_vote_once
    assert registration.late_exception == "moved_for_work"

    agent = AgentFactory(commune=electoral, services=["elections"])
    desk = Client()
    login_agent(desk, agent.user)
    page = desk.get(f"/admin/listes-electorales/{filed.reference}/")
    shown = labelled(page.context["rows"])
    documents = {str(step_fields("attachment")[name].label) for name in FILES}
    answered = {label: value for label, value in summary.items() if label not in documents}
    for label, value in answered.items():
        if label in ("Nom", "Courriel"):  # who asks: the request's own header
            continue
        assert shown.get(label) == value, label
    html = page.content.decode()
    assert all(filename in html for filename in FILES.values())


@pytest.mark.django_db
def test_the_desk_page_offers_the_services_desk_actions_for_the_status(client, electoral):  # noqa: F811
    agent = AgentFactory(commune=electoral, services=["elections"])
    login_agent(client, agent.user)
    filed = file_registration(electoral)
    url = f"/admin/listes-electorales/{filed.reference}/"

    def offered():
        form = client.get(url).context.get("form")
        return [value for value, _label in form.fields["action"].choices]

    assert offered() == ["reu", "refuse"]
    assert client.post(url, {"action": "registered"}).status_code == 200  # not offered yet
    assert client.post(url, {"action": "reu"}).status_code == 302
    assert offered() == ["registered", "refuse"]
    assert client.post(url, {"action": "refuse", "reason": "Aucune attache."}).status_code == 302
    filed.refresh_from_db()
    assert filed.status == "rejected" and filed.is_closed
    email = OutboxMessage.unscoped.filter(related_reference=filed.reference).latest("pk")
    assert "Aucune attache." in email.body and "commission de contrôle" in email.body
    assert Registration.unscoped.get(request=filed).refusal_reason == "Aucune attache."
    assert AuditEvent.objects.filter(action="elections.refuse", actor=agent.user).exists()
    assert "Aucune attache." in client.get(url).content.decode()  # closed: the reason, no form
