"""The civil-status service on the Service contract, as a third-party package would be: its
steps are ModelForms of ``CertificateRequest``, so the engine shows every answer with the
forms' labels (the summary before sending, the agents' pages after); its registry office's
actions are ``desk_actions`` the desk page offers and takes; a copy of the class missing a
part fails ``manage.py check``, naming the service and the part."""

import html

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from ecommune.accounts.models import AuditEvent
from ecommune.core.registry import registry
from ecommune.core.services import DeskAction, display_value
from ecommune.requests.models import EventKind, Request
from ecommune.requests.services import allowed_transitions
from ecommune.services.civil_status.models import CertificateRequest
from ecommune.services.civil_status.service import CivilStatusService, Status
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent
from tests.services.helpers import APPLICANT, post_step
from tests.services.test_civil_status import ACT, DELIVERY, civil  # noqa: F401

#: An answer to every field of every step (a professional, for their reference).
EVERY_ANSWER = {
    "certificate": {
        **ACT,
        "other_commune": "Nantes",
        "relation": "professional",
        "professional_reference": "Étude Durand, pour M. Martin",
        "emancipated": "on",
        "spouse_last_name": "Durand",
        "spouse_first_names": "Alix",
        "death_date": "2020-02-02",
    },
    "delivery": DELIVERY,
}


def answered_rows():
    """(step, field, label, value as shown) of every field of every step, from the forms."""
    rows = []
    for step, form_class in CivilStatusService.form_steps():
        form = form_class(EVERY_ANSWER[step])
        assert form.is_valid(), form.errors
        for name, field in form.base_fields.items():
            value = display_value(field, form.cleaned_data[name])
            rows.append((step, name, str(field.label), value))
    return rows


def page_text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def filed_with_every_answer(client, civil):  # noqa: F811
    for step, answers in (("applicant", APPLICANT), *EVERY_ANSWER.items()):
        assert post_step(client, "civil_status", step, answers).status_code == 302, step
    confirm = client.get("/demarches/civil_status/confirm/")
    done = post_step(client, "civil_status", "confirm", {"certify": "on"})
    client.get(done["Location"])
    client.logout()
    return confirm, Request.objects.get(service="civil_status")


@pytest.mark.django_db
def test_the_summary_and_the_agents_pages_show_every_answer_with_its_forms_label(
    client,
    civil,  # noqa: F811
    filed_with_every_answer,
):
    confirm, filed = filed_with_every_answer
    summary = [(str(label), str(value)) for label, value in confirm.context["summary"]]
    text = page_text(confirm)
    for _step, _name, label, value in answered_rows():
        assert (label, value) in summary
        assert label in text and value in text
    assert ("Prix", "Gratuit") in summary  # what no form asks

    login_agent(client, AgentFactory(commune=civil, services=["civil_status"]).user)
    desk = client.get(f"/admin/etat-civil/{filed.reference}/")
    inbox = client.get(f"/admin/demandes/{filed.reference}/")
    desk_rows = [(str(label), str(value)) for label, value in desk.context["rows"]]
    inbox_rows = [(str(label), str(value)) for label, value in inbox.context["service_rows"]]
    stored = CivilStatusService.model_fields()
    kept = [(label, value) for _s, name, label, value in answered_rows() if name in stored]
    assert len(kept) == len(stored - {"outcome", "sent_on", "outcome_reason"})
    for label, value in kept:
        assert (label, value) in desk_rows and (label, value) in inbox_rows
        assert label in page_text(desk) and value in page_text(inbox)
    # What the model does not keep reaches the agent as a note on the history.
    note = filed.events.get(kind=EventKind.NOTE)
    assert "Étude Durand, pour M. Martin" in note.text and not note.visible_to_resident
    assert "Étude Durand, pour M. Martin" in page_text(inbox)
    assert CertificateRequest.objects.get(request=filed).country == "France"


OFFERED = {
    Status.SUBMITTED: ["start", "sent", "not_found", "not_entitled"],
    Status.IN_PROGRESS: ["sent", "not_found", "not_entitled"],
    Status.WAITING_RESIDENT: ["start", "not_found", "not_entitled"],
    Status.SENT: [],
    Status.NOT_DELIVERED: [],
    Status.CANCELLED: [],
}


def test_every_desk_action_leads_where_the_transitions_allow():
    assert set(OFFERED) == {value for value, _label in CivilStatusService.statuses}
    names = [action.name for action in CivilStatusService.desk_actions]
    assert names == ["start", "sent", "not_found", "not_entitled"]
    for status, names in OFFERED.items():
        for action in CivilStatusService.desk_actions:
            if action.name in names and action.to_status:
                assert action.to_status in allowed_transitions(CivilStatusService, status)


@pytest.fixture
def desk(client, civil):  # noqa: F811
    from tests.services.test_civil_status_agent import file_certificate

    agent = AgentFactory(commune=civil, services=["civil_status"])
    login_agent(client, agent.user)
    return client, file_certificate(civil)


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(OFFERED))
def test_the_desk_page_offers_the_desk_actions_of_the_requests_status(desk, status):
    client, filed = desk
    Request.objects.filter(pk=filed.pk).update(status=status)
    page = client.get(f"/admin/etat-civil/{filed.reference}/")
    form = page.context["form"]
    offered = [name for name, _label in form.fields["action"].choices]
    assert offered == (OFFERED[status] if page.context["is_open"] else [])
    labels = {action.name: str(action.label) for action in CivilStatusService.desk_actions}
    for name in offered:
        assert labels[name] in page_text(page)


@pytest.mark.django_db
def test_the_desk_takes_an_action_through_the_engine_and_refuses_one_not_offered(desk):
    client, filed = desk
    url = f"/admin/etat-civil/{filed.reference}/"
    assert client.post(url, {"action": "start"}).status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.IN_PROGRESS
    assert AuditEvent.objects.filter(action="requests.status_changed").count() == 1

    Request.objects.filter(pk=filed.pk).update(status=Status.WAITING_RESIDENT)
    refused = client.post(url, {"action": "sent", "sent_on": "2026-01-01"})
    assert refused.status_code == 200 and refused.context["form"].has_error("action")
    filed.refresh_from_db()
    assert filed.status == Status.WAITING_RESIDENT

    missing = client.post(url, {"action": "not_found", "reason": "  "})
    assert missing.context["form"].errors["reason"] == [
        "Indiquez le motif : il est envoyé au demandeur."
    ]
    assert client.post(url, {"action": "not_found", "reason": "Introuvable."}).status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.NOT_DELIVERED
    certificate = CertificateRequest.objects.get(request=filed)
    assert (certificate.outcome, certificate.outcome_reason) == ("not_found", "Introuvable.")
    assert AuditEvent.objects.filter(action="civil_status.not_found").count() == 1


def broken(**parts):
    """A copy of the service class with some parts broken, under its own slug."""
    attributes = {"slug": "civil-status-broken", "__module__": __name__, **parts}
    return type("BrokenCivilStatus", (CivilStatusService,), attributes)


@pytest.mark.parametrize(
    ("parts", "named"),
    [
        ({"processing": None}, "processing (personal data)"),
        ({"steps": ()}, "steps (at least one)"),
        ({"model": "ecommune_civil_status.NoSuchModel"}, "model (an installed model"),
        ({"closed_statuses": frozenset({"archived"})}, "closed_statuses (declared"),
        (
            {"desk_actions": (DeskAction("sent", "Envoyé par courrier"),)},
            "desk_actions (sent: neither perform nor to_status)",
        ),
    ],
    ids=["processing", "steps", "model", "closed_statuses", "desk_actions"],
)
def test_manage_py_check_names_the_service_and_the_part_a_copy_misses(parts, named):
    assert CivilStatusService.check_contract() == []
    copy = broken(**parts)
    registry.register(copy)
    try:
        with pytest.raises(SystemCheckError) as error:
            call_command("check")
    finally:
        registry.unregister(copy.slug)
    message = str(error.value)
    assert "ecommune.E010" in message and "'civil-status-broken'" in message
    assert f"BrokenCivilStatus) misses or gets wrong: {named}" in message
    call_command("check")  # the service itself is whole
