"""Webhooks: request events delivered, signed, to a real local HTTP server; retried with
backoff when it answers 500 or hangs, failed after the last attempt with the endpoint
marked failing and the agents administrators emailed; never across communes; and the
back-office pages (the secret shown once, the deliveries, « resend »)."""

import datetime
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from ecommune.accounts.models import AuditEvent
from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.answers import resident_answer
from ecommune.requests.statuses import Status
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent
from ecommune.webhooks import services
from ecommune.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request

pytestmark = pytest.mark.django_db

ALL_EVENTS = [
    "request.filed",
    "request.status_changed",
    "request.answered",
    "request.closed",
]


class Receiver(BaseHTTPRequestHandler):
    """Records each POST; answers with the next planned status (200 once the plan is
    spent), or hangs past the client's timeout on « hang »."""

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server = self.server
        planned = server.plan.pop(0) if server.plan else 200
        server.received.append({"headers": dict(self.headers), "body": body, "path": self.path})
        if planned == "hang":
            time.sleep(1.5)
            planned = 200
        self.send_response(planned)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if planned < 300 else b"boom: database unavailable")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received, server.plan = [], []
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fast(settings):
    settings.ECOMMUNE_WEBHOOK_TIMEOUT = 0.5
    settings.ECOMMUNE_WEBHOOK_MAX_ATTEMPTS = 3
    settings.ECOMMUNE_WEBHOOK_BACKOFF_MINUTES = (1, 5)


@pytest.fixture
def admin_agent(contact_communes):
    return AgentFactory(
        commune=contact_communes[0],
        services=["contact"],
        permissions=["ecommune_accounts.add_agent"],
        user__first_name="Ada",
        user__last_name="Admin",
        user__email="ada@mairie-a.test",
    )


def make_endpoint(commune, user, url, events=ALL_EVENTS, name="GED", procedures=()):
    request = RequestFactory().post("/admin/webhooks/nouveau/")
    request.user = user
    with tenancy.using(commune):
        return services.create_endpoint(
            request, commune=commune, name=name, url=url, events=events, services=procedures
        )


def verify(received, secret):
    """The receiver's check, as docs/integrators/webhooks.md gives it."""
    header = received["headers"]["X-Ecommune-Signature"]
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + received["body"], hashlib.sha256
    ).hexdigest()
    assert abs(time.time() - int(parts["t"])) < 300
    return hmac.compare_digest(expected, parts["v1"])


def events_received(server):
    return [json.loads(item["body"])["event"] for item in server.received]


def run_due(minutes):
    """The periodic retry, as the scheduler runs it, ``minutes`` from now."""
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False):
        return services.send_due_deliveries()


def test_filing_delivers_a_signed_request_filed(
    receiver, admin_agent, contact_communes, django_capture_on_commit_callbacks
):
    commune = contact_communes[0]
    endpoint = make_endpoint(commune, admin_agent.user, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_request(commune)
    assert events_received(receiver) == ["request.filed"]
    received = receiver.received[0]
    assert verify(received, endpoint.secret)
    assert not verify(received, endpoint.secret + "x")
    body = json.loads(received["body"])
    delivery = WebhookDelivery.unscoped.get()
    assert received["headers"]["X-Ecommune-Event"] == "request.filed"
    assert received["headers"]["X-Ecommune-Delivery"] == str(delivery.uid) == body["delivery"]
    assert body["commune"]["insee"] == commune.insee_code
    assert body["request"]["reference"] == filed.reference
    assert body["request"]["service"] == "contact"
    assert body["request"]["status"] == Status.SUBMITTED
    # No personal data: the receiver reads the rest through the agents' API.
    assert "Camille" not in received["body"].decode()
    assert "camille@example.org" not in received["body"].decode()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.last_answer["status_code"] == 200


def test_status_change_answer_and_closing_deliver_their_events(
    receiver, admin_agent, agent, client, contact_communes, django_capture_on_commit_callbacks
):
    commune = contact_communes[0]
    make_endpoint(commune, admin_agent.user, receiver.url)
    filed = file_request(commune)
    login_agent(client, agent.user)
    url = f"/admin/demandes/{filed.reference}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "action": "status",
                "status-status": Status.WAITING_RESIDENT,
                "status-comment": "Il manque le plan.",
            },
        )
    assert response.status_code == 302
    assert events_received(receiver) == ["request.status_changed"]
    with django_capture_on_commit_callbacks(execute=True), tenancy.using(commune):
        resident_answer(filed, text="Voici le plan.")
    assert "request.answered" in events_received(receiver)
    receiver.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "status", "status-status": Status.REJECTED})
    assert response.status_code == 302
    assert sorted(events_received(receiver)) == ["request.closed", "request.status_changed"]
    closed = next(
        json.loads(r["body"]) for r in receiver.received if b"request.closed" in r["body"]
    )
    assert closed["request"]["status"] == Status.REJECTED


def test_an_endpoint_gets_only_the_events_it_asked_for(
    receiver, admin_agent, agent, client, contact_communes, django_capture_on_commit_callbacks
):
    commune = contact_communes[0]
    make_endpoint(commune, admin_agent.user, receiver.url, events=["request.closed"])
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_request(commune)
    login_agent(client, agent.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/demandes/{filed.reference}/",
            {"action": "status", "status-status": Status.IN_PROGRESS},
        )
    assert receiver.received == []
    assert not WebhookDelivery.unscoped.exists()


def test_an_endpoint_gets_only_the_procedures_it_asked_for(
    receiver, admin_agent, contact_communes, django_capture_on_commit_callbacks
):
    commune = contact_communes[0]
    commune.enabled_services = ["contact", "civil_status"]
    commune.save()
    civil_only = make_endpoint(commune, admin_agent.user, receiver.url, procedures=["civil_status"])
    assert civil_only.services == ["civil_status"]
    with django_capture_on_commit_callbacks(execute=True):
        file_request(commune)
    assert receiver.received == [] and not WebhookDelivery.unscoped.exists()
    civil_only.delete()
    make_endpoint(commune, admin_agent.user, receiver.url, procedures=["contact", "unknown"])
    with django_capture_on_commit_callbacks(execute=True):
        file_request(commune)
    assert events_received(receiver) == ["request.filed"]
    # None ticked: every procedure, as before the filter existed.
    assert services.wants(WebhookEndpoint(events=ALL_EVENTS), "request.filed", "contact")


def test_deliveries_over_are_purged_after_their_retention_and_waiting_ones_stay(
    receiver, fast, admin_agent, contact_communes, settings, django_capture_on_commit_callbacks
):
    settings.ECOMMUNE_WEBHOOK_RETENTION_DAYS = 30
    for commune in contact_communes:
        make_endpoint(commune, admin_agent.user, receiver.url)
        receiver.plan = [200, 500]  # the first is delivered, the second waits for a retry
        with django_capture_on_commit_callbacks(execute=True):
            file_request(commune)
            file_request(commune)
    assert sorted(WebhookDelivery.unscoped.values_list("status", flat=True)) == [
        DeliveryStatus.DELIVERED,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.PENDING,
        DeliveryStatus.PENDING,
    ]
    assert services.purge_old_deliveries(timezone.now() + datetime.timedelta(days=29)) == 0
    assert services.purge_old_deliveries(timezone.now() + datetime.timedelta(days=31)) == 2
    assert list(WebhookDelivery.unscoped.values_list("status", flat=True)) == [
        DeliveryStatus.PENDING,
        DeliveryStatus.PENDING,
    ]


def test_a_500_is_retried_with_backoff_then_delivered(
    receiver, fast, admin_agent, contact_communes, django_capture_on_commit_callbacks
):
    commune = contact_communes[0]
    make_endpoint(commune, admin_agent.user, receiver.url)
    receiver.plan = [500]
    with django_capture_on_commit_callbacks(execute=True):
        file_request(commune)
    delivery = WebhookDelivery.unscoped.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_answer["status_code"] == 500
    assert "database unavailable" in delivery.last_answer["excerpt"]
    # Not yet due: the first backoff is one minute.
    assert services.send_due_deliveries() == {}
    assert len(receiver.received) == 1
    assert run_due(2) == {"delivered": 1}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 2
    # The same delivery id on every attempt: the receiver can tell a repeat.
    ids = {r["headers"]["X-Ecommune-Delivery"] for r in receiver.received}
    assert ids == {str(delivery.uid)}


def test_an_endpoint_that_always_fails_is_marked_failing_and_the_agents_are_told(
    receiver, fast, admin_agent, agent, contact_communes, django_capture_on_commit_callbacks
):
    commune = contact_communes[0]
    endpoint = make_endpoint(commune, admin_agent.user, receiver.url)
    receiver.plan = [500, "hang", 503]
    with django_capture_on_commit_callbacks(execute=True):
        file_request(commune)
    assert run_due(2) == {"pending": 1}  # the hang: a timeout
    delivery = WebhookDelivery.unscoped.get()
    assert "Timeout" in delivery.last_answer["error"]
    assert delivery.last_answer["status_code"] is None
    assert run_due(2 + 6) == {"failed": 1}
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3
    assert delivery.next_attempt_at is None
    assert endpoint.failing
    notices = OutboxMessage.unscoped.filter(event="webhooks.endpoint_failing")
    # The agents administrator, not the agent who only handles requests.
    assert [m.recipient for m in notices] == ["ada@mairie-a.test"]
    assert "GED" in notices[0].subject
    assert receiver.url in notices[0].body
    assert AuditEvent.objects.filter(action="webhooks.delivery_failed").exists()
    # Nothing more is tried.
    assert run_due(60 * 24) == {}
    # It works again: a new delivery clears the failing state.
    with django_capture_on_commit_callbacks(execute=True):
        file_request(commune)
    endpoint.refresh_from_db()
    assert not endpoint.failing


def test_a_request_is_filed_while_the_endpoint_is_down_and_the_delivery_waits(
    fast, admin_agent, contact_communes, django_capture_on_commit_callbacks
):
    commune = contact_communes[0]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    endpoint = make_endpoint(commune, admin_agent.user, f"http://127.0.0.1:{port}/hook")
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_request(commune)
    assert filed.pk
    delivery = WebhookDelivery.unscoped.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "ConnectionError" in delivery.last_answer["error"]
    # The endpoint comes back on the same port: the next run delivers.
    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    server.received, server.plan = [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert run_due(2) == {"delivered": 1}
    finally:
        server.shutdown()
        server.server_close()
    assert verify(server.received[0], endpoint.secret)
    assert json.loads(server.received[0]["body"])["request"]["reference"] == filed.reference


def test_commune_a_endpoint_never_gets_commune_b_events(
    receiver, admin_agent, contact_communes, django_capture_on_commit_callbacks
):
    commune_a, commune_b = contact_communes
    make_endpoint(commune_a, admin_agent.user, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        filed_b = file_request(commune_b)
    assert receiver.received == []
    assert not WebhookDelivery.unscoped.filter(reference=filed_b.reference).exists()
    with django_capture_on_commit_callbacks(execute=True):
        file_request(commune_a)
    assert len(receiver.received) == 1


def test_a_redirect_is_not_followed(
    receiver, fast, admin_agent, contact_communes, django_capture_on_commit_callbacks
):
    commune = contact_communes[0]
    make_endpoint(commune, admin_agent.user, receiver.url)
    receiver.plan = [302]
    with django_capture_on_commit_callbacks(execute=True):
        file_request(commune)
    delivery = WebhookDelivery.unscoped.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_answer["status_code"] == 302
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    "url", ["ftp://ged.example.org/", "file:///etc/passwd", "http://user:pw@ged.example.org/"]
)
def test_only_http_addresses_are_accepted(url):
    with pytest.raises(ValidationError) as refused:
        services.validate_url(url)
    assert refused.value.code in ("scheme", "auth")
    services.validate_url("https://ged.example.org/hook")


# Back office ----------------------------------------------------------------------------


def test_back_office_creates_an_endpoint_and_shows_its_secret_once(
    client, admin_agent, contact_communes, receiver
):
    login_agent(client, admin_agent.user)
    response = client.post(
        "/admin/webhooks/nouveau/",
        {
            "name": "Logiciel courrier",
            "url": receiver.url,
            "events": ["request.filed"],
            "services": ["contact"],
        },
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.unscoped.get()
    assert endpoint.services == ["contact"]
    html = response.content.decode()
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in html
    assert "no-store" in response["Cache-Control"]
    assert endpoint.commune == contact_communes[0]
    assert endpoint.events == ["request.filed"]
    assert AuditEvent.objects.filter(action="webhooks.endpoint_created").exists()
    for page in ("/admin/webhooks/", f"/admin/webhooks/{endpoint.pk}/"):
        answer = client.get(page)
        assert answer.status_code == 200
        assert endpoint.secret not in answer.content.decode()
    assert "Logiciel courrier" in client.get("/admin/webhooks/").content.decode()


def test_back_office_refuses_a_bad_address(client, admin_agent, contact_communes):
    login_agent(client, admin_agent.user)
    response = client.post(
        "/admin/webhooks/nouveau/",
        {"name": "GED", "url": "ftp://ged.example.org/", "events": ["request.filed"]},
    )
    assert response.status_code == 200
    assert not WebhookEndpoint.unscoped.exists()


def test_back_office_lists_deliveries_and_resends_a_failed_one(
    client,
    receiver,
    fast,
    admin_agent,
    contact_communes,
    django_capture_on_commit_callbacks,
):
    commune = contact_communes[0]
    endpoint = make_endpoint(commune, admin_agent.user, receiver.url)
    receiver.plan = [500, 500, 500]
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_request(commune)
    run_due(2)
    run_due(10)
    delivery = WebhookDelivery.unscoped.get()
    assert delivery.status == DeliveryStatus.FAILED
    login_agent(client, admin_agent.user)
    index = client.get("/admin/webhooks/").content.decode()
    assert "En échec" in index
    html = client.get(f"/admin/webhooks/{endpoint.pk}/").content.decode()
    assert filed.reference in html
    assert "HTTP 500" in html
    assert "database unavailable" in html
    resend = f"/admin/webhooks/{endpoint.pk}/envois/{delivery.pk}/renvoyer/"
    assert resend in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend)
    assert response.status_code == 302
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert not endpoint.failing
    assert AuditEvent.objects.filter(action="webhooks.delivery_resent").exists()


def test_back_office_edits_turns_off_and_deletes(
    client, receiver, admin_agent, contact_communes, django_capture_on_commit_callbacks
):
    commune = contact_communes[0]
    endpoint = make_endpoint(commune, admin_agent.user, receiver.url)
    login_agent(client, admin_agent.user)
    edit = client.get(f"/admin/webhooks/{endpoint.pk}/modifier/").content.decode()
    assert 'value="contact"' in edit and 'name="url"' not in edit
    response = client.post(
        f"/admin/webhooks/{endpoint.pk}/modifier/",
        {"name": "GED 2", "events": ["request.filed"], "services": ["contact"]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.active, endpoint.services) == ("GED 2", False, ["contact"])
    refused = client.post(
        f"/admin/webhooks/{endpoint.pk}/modifier/",
        {"name": "GED 2", "events": ["request.filed"], "services": ["civil_status"]},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["services"]
    with django_capture_on_commit_callbacks(execute=True):
        file_request(commune)
    assert receiver.received == []
    response = client.post(f"/admin/webhooks/{endpoint.pk}/supprimer/")
    assert response.status_code == 302
    assert not WebhookEndpoint.unscoped.exists()
    assert AuditEvent.objects.filter(action="webhooks.endpoint_deleted").exists()


def test_back_office_is_for_the_agents_administrator_of_the_commune(
    client, agent, admin_agent, other_agent, contact_communes
):
    endpoint = make_endpoint(contact_communes[0], admin_agent.user, "https://ged.example.org/")
    login_agent(client, agent.user)
    assert client.get("/admin/webhooks/").status_code in (302, 403)
    other = AgentFactory(
        commune=contact_communes[1],
        services=["contact"],
        permissions=["ecommune_accounts.add_agent"],
    )
    client.logout()
    login_agent(client, other.user)
    assert client.get("/admin/webhooks/").status_code == 200
    assert client.get(f"/admin/webhooks/{endpoint.pk}/").status_code == 404
    assert client.post(f"/admin/webhooks/{endpoint.pk}/supprimer/").status_code == 404
    assert WebhookEndpoint.unscoped.filter(pk=endpoint.pk).exists()
