"""The back office: the outbox (scoped, read-only, send again) and the message templates."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecommune.notifications.models import Channel, NotificationTemplate, OutboxMessage, Status
from ecommune.testing.factories import AgentFactory, UserFactory
from ecommune.testing.otp import login_agent

OUTBOX = "/admin/ecommune_outbox/"
TEMPLATES = "/admin/ecommune_notification_templates/"


def grant(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="ecommune_notifications", codename__in=codenames
        )
    )


def outbox_row(commune, n, **fields):
    fields.setdefault("status", Status.PENDING)
    return OutboxMessage.unscoped.create(
        commune=commune,
        channel=Channel.EMAIL,
        recipient=f"habitant{n}@{commune.site.hostname}",
        subject=f"Demande {n}",
        body="Texte",
        event="request.acknowledged",
        related_reference=f"EC-2026-{n:05d}",
        idempotency_key=f"{commune.pk}:{n}",
        **fields,
    )


@pytest.fixture
def agent(commune):
    agent = AgentFactory(commune=commune)
    grant(agent.user, "view_outboxmessage", "retry_outboxmessage")
    return agent


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


def test_an_agent_sees_only_their_communes_messages(client, agent, commune, other_commune):
    outbox_row(commune, 1)
    outbox_row(other_commune, 2)
    login_agent(client, agent.user)
    page = client.get(OUTBOX)
    assert page.status_code == 200
    html = page.content.decode()
    assert "habitant1@commune-a.test" in html
    assert "habitant2@commune-b.test" not in html


def test_a_superuser_sees_the_commune_of_the_host_name(client, superuser, commune, other_commune):
    outbox_row(commune, 1)
    outbox_row(other_commune, 2)
    login_agent(client, superuser)
    here = client.get(OUTBOX, HTTP_HOST="commune-a.test").content.decode()
    there = client.get(OUTBOX, HTTP_HOST="commune-b.test").content.decode()
    assert "habitant1@commune-a.test" in here and "habitant2@commune-b.test" not in here
    assert "habitant2@commune-b.test" in there and "habitant1@commune-a.test" not in there


def test_the_outbox_filters_on_status_and_shows_the_last_error(client, agent, commune):
    outbox_row(commune, 1, status=Status.SENT)
    outbox_row(commune, 2, status=Status.FAILED, attempts=8, last_error="SMTPDataError: 451")
    login_agent(client, agent.user)
    html = client.get(OUTBOX, {"status": Status.FAILED}).content.decode()
    assert "habitant2@" in html and "habitant1@" not in html
    assert "SMTPDataError: 451" in html


def test_an_agent_without_the_view_permission_is_refused(client, commune):
    agent = AgentFactory(commune=commune)
    login_agent(client, agent.user)
    assert client.get(OUTBOX).status_code in (302, 403)


def test_outbox_rows_cannot_be_edited_or_deleted(client, superuser, commune):
    row = outbox_row(commune, 1)
    login_agent(client, superuser)
    assert client.get(f"{OUTBOX}inspect/{row.pk}/").status_code == 200
    for url in (f"{OUTBOX}new/", f"{OUTBOX}edit/{row.pk}/", f"{OUTBOX}delete/{row.pk}/"):
        assert client.get(url).status_code == 404


def test_another_communes_message_is_a_404(client, agent, other_commune):
    row = outbox_row(other_commune, 2, status=Status.FAILED)
    login_agent(client, agent.user)
    assert client.get(f"{OUTBOX}inspect/{row.pk}/").status_code == 404
    assert client.post(f"{OUTBOX}retry/{row.pk}/").status_code == 404
    row.refresh_from_db()
    assert row.status == Status.FAILED


def test_retrying_a_failed_message_from_the_admin_sends_it(
    client, agent, commune, django_capture_on_commit_callbacks
):
    row = outbox_row(commune, 1, status=Status.FAILED, attempts=8, next_attempt_at=None)
    login_agent(client, agent.user)
    listing = client.get(OUTBOX).content.decode()
    assert f"{OUTBOX}retry/{row.pk}/" in listing
    assert client.get(f"{OUTBOX}retry/{row.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{OUTBOX}retry/{row.pk}/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)
    assert len(mail.outbox) == 1


def test_retrying_needs_its_own_permission(client, commune):
    agent = AgentFactory(commune=commune)
    grant(agent.user, "view_outboxmessage")
    row = outbox_row(commune, 1, status=Status.FAILED)
    login_agent(client, agent.user)
    assert f"{OUTBOX}retry/{row.pk}/" not in client.get(OUTBOX).content.decode()
    assert client.post(f"{OUTBOX}retry/{row.pk}/").status_code in (302, 403)
    row.refresh_from_db()
    assert row.status == Status.FAILED


def test_the_outbox_list_costs_the_same_queries_for_10_and_100_messages(
    client, superuser, commune, other_commune
):
    login_agent(client, superuser)
    client.get(OUTBOX)  # warm caches (content types, site root paths)

    def queries_with(count):
        OutboxMessage.unscoped.all().delete()
        for n in range(count):
            outbox_row(commune if n % 2 else other_commune, n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(OUTBOX).status_code == 200
        return len(queries)

    assert queries_with(10) == queries_with(100)


def test_an_agent_writes_a_template_for_their_commune(client, agent, commune, other_commune):
    grant(agent.user, "add_notificationtemplate", "change_notificationtemplate")
    login_agent(client, agent.user)
    assert client.get(f"{TEMPLATES}new/").status_code == 200
    data = {
        "event": "request.acknowledged",
        "channel": Channel.EMAIL,
        "service": "",
        "subject": "Demande {{ reference }} reçue",
        "body": "Bonjour {{ applicant_name }},",
        "active": "on",
    }
    assert client.post(f"{TEMPLATES}new/", data).status_code == 302
    template = NotificationTemplate.unscoped.get()
    assert template.commune == commune
    # A second one for the same event and channel is refused with a message.
    again = client.post(f"{TEMPLATES}new/", data)
    assert again.status_code == 200
    assert NotificationTemplate.unscoped.count() == 1
    listing = client.get(TEMPLATES).content.decode()
    assert "Request received" in listing or "Demande reçue" in listing


def test_a_template_that_does_not_parse_is_refused(client, agent):
    grant(agent.user, "add_notificationtemplate")
    login_agent(client, agent.user)
    response = client.post(
        f"{TEMPLATES}new/",
        {
            "event": "request.acknowledged",
            "channel": Channel.SMS,
            "body": "{% include 'x.txt' %}",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert not NotificationTemplate.unscoped.exists()


def test_a_superusers_template_belongs_to_the_host_names_commune(
    client, superuser, commune, other_commune
):
    login_agent(client, superuser)
    data = {
        "event": "request.message",
        "channel": Channel.SMS,
        "service": "",
        "body": "{{ commune_name }} : nouveau message ({{ reference }}).",
        "active": "on",
        "commune": commune.pk,  # ignored: the host name says which commune
    }
    page = client.post(f"{TEMPLATES}new/", data, HTTP_HOST="commune-b.test")
    assert page.status_code == 302
    assert NotificationTemplate.unscoped.get().commune == other_commune
    assert client.get(TEMPLATES, HTTP_HOST="commune-b.test").status_code == 200


def test_an_agent_cannot_open_another_communes_template(client, agent, other_commune):
    grant(agent.user, "change_notificationtemplate")
    template = NotificationTemplate.unscoped.create(
        commune=other_commune, event="request.message", channel=Channel.SMS, body="x"
    )
    login_agent(client, agent.user)
    assert client.get(f"{TEMPLATES}edit/{template.pk}/").status_code == 404
