"""The agents' daily digest: overdue and due within two working days, once a day, nothing to
an agent with nothing due."""

import datetime

import pytest
from django.core.management import call_command

from ecommune.notifications.models import OutboxMessage
from ecommune.requests.digest import due_for, send_digests
from ecommune.requests.statuses import Status
from ecommune.testing.factories import AgentFactory
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request

pytestmark = pytest.mark.django_db

# Thursday 10 December 2026: two working days ahead is Monday 14 December.
TODAY = datetime.date(2026, 12, 10)


@pytest.fixture
def due(agent, colleague, contact_communes):
    commune = contact_communes[0]
    return {
        "overdue_mine": file_request(
            commune, expected_answer_on=datetime.date(2026, 12, 1), assigned_to=agent.user
        ),
        "soon_unassigned": file_request(commune, expected_answer_on=datetime.date(2026, 12, 14)),
        "too_late": file_request(commune, expected_answer_on=datetime.date(2026, 12, 15)),
        "colleagues": file_request(
            commune, expected_answer_on=datetime.date(2026, 12, 1), assigned_to=colleague.user
        ),
        "closed": file_request(
            commune, expected_answer_on=datetime.date(2026, 12, 1), status=Status.DONE
        ),
        "elsewhere": file_request(
            contact_communes[1], expected_answer_on=datetime.date(2026, 12, 1)
        ),
    }


def test_due_for_picks_overdue_and_due_within_two_working_days(agent, due):
    overdue, soon = due_for(agent, TODAY)
    assert [r.reference for r in overdue] == [due["overdue_mine"].reference]
    assert [r.reference for r in soon] == [due["soon_unassigned"].reference]


def test_one_email_per_agent_and_once_a_day(agent, colleague, other_agent, due):
    counts = send_digests(TODAY)
    mails = OutboxMessage.unscoped.filter(event="agent.digest")
    recipients = set(mails.values_list("recipient", flat=True))
    # Alice: her overdue one and the unassigned one; Bruno: his overdue one and the
    # unassigned one too; the agent of commune B: the one of B (unassigned, overdue).
    assert recipients == {agent.user.email, colleague.user.email, other_agent.user.email}
    alice = mails.get(recipient=agent.user.email)
    assert due["overdue_mine"].reference in alice.body
    assert due["soon_unassigned"].reference in alice.body
    assert due["too_late"].reference not in alice.body
    assert due["colleagues"].reference not in alice.body
    assert due["closed"].reference not in alice.body
    assert f"/admin/demandes/{due['overdue_mine'].reference}/" in alice.body
    assert "01/12/2026" in alice.body
    assert "1 en retard" in alice.subject
    assert counts["digests"] == 3
    again = send_digests(TODAY)
    assert again.get("digests", 0) == 0 and again["already_sent"] == 3
    assert OutboxMessage.unscoped.filter(event="agent.digest").count() == 3
    # The next day is a new digest.
    send_digests(TODAY + datetime.timedelta(days=1))
    assert OutboxMessage.unscoped.filter(event="agent.digest").count() == 6


def test_nothing_is_sent_to_an_agent_with_nothing_due(agent, contact_communes):
    file_request(contact_communes[0], expected_answer_on=datetime.date(2027, 1, 30))
    idle = AgentFactory(commune=contact_communes[0], services=["contact"])
    counts = send_digests(TODAY)
    assert not OutboxMessage.unscoped.filter(event="agent.digest").exists()
    assert counts["nothing_due"] >= 2
    assert idle.pk


def test_an_inactive_agent_gets_nothing(agent, due):
    agent.user.is_active = False
    agent.user.save()
    send_digests(TODAY)
    assert not OutboxMessage.unscoped.filter(
        event="agent.digest", recipient=agent.user.email
    ).exists()


def test_the_command_runs_for_a_given_day(agent, due, capsys):
    call_command("ecommune_agent_digest", "--date", TODAY.isoformat())
    call_command("ecommune_agent_digest", "--date", TODAY.isoformat())
    output = capsys.readouterr().out
    assert "0 digest(s) queued" in output.splitlines()[-1]
    assert (
        OutboxMessage.unscoped.filter(event="agent.digest", recipient=agent.user.email).count() == 1
    )


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("ecommune_agent_digest", "--date", "10/12/2026")
