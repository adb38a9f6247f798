"""Agents read statuses worded for them: the resident's « En attente de votre part » is
« En attente du demandeur » in the back office (inbox list, filter, request page, export),
while the resident keeps their own wording."""

import pytest
from django.utils.translation import gettext as _

from ecommune.core.registry import registry
from ecommune.requests.services import agent_status_label, change_status, status_label
from ecommune.requests.statuses import Status
from ecommune.testing.otp import login_agent
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request

pytestmark = pytest.mark.django_db


def test_the_waiting_status_has_an_agent_wording_and_others_keep_theirs():
    contact = registry.get("contact")
    assert agent_status_label(contact, Status.WAITING_RESIDENT) == _("Waiting for the applicant")
    assert status_label(contact, Status.WAITING_RESIDENT) == _("Waiting for you")
    assert agent_status_label(contact, Status.DONE) == status_label(contact, Status.DONE)
    elections = registry.get("elections")  # a service with its own set keeps the agent wording
    assert agent_status_label(elections, "waiting_resident") == _("Waiting for the applicant")


def test_the_back_office_shows_the_agent_wording(client, agent, contact_communes):
    filed = file_request(contact_communes[0])
    change_status(filed, Status.WAITING_RESIDENT, actor=agent.user)
    login_agent(client, agent.user)
    resident_label, agent_label = _("Waiting for you"), _("Waiting for the applicant")
    assert resident_label != agent_label
    for url in (
        "/admin/demandes/",
        f"/admin/demandes/{filed.reference}/",
        "/admin/demandes/export.csv",
    ):
        response = client.get(url)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8-sig")
        assert agent_label in body, url
        assert resident_label not in body, url
    filed.refresh_from_db()
    assert filed.get_status_display() == resident_label  # the resident's own wording
