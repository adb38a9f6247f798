"""The agents' API (issue 18, item 2): its tokens (made and revoked in the back office,
shown once, stored hashed, scoped to services, every use in the audit trail), its reads
and its actions — through the inbox's functions, with the inbox's rules and effects — and
what it refuses: any bad token the same 401, another commune's requests, bad bodies."""

import datetime
import hashlib
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from ecommune.accounts.models import AuditEvent
from ecommune.api.agent_views import MAX_BODY
from ecommune.api.authentication import REFUSED
from ecommune.api.models import ApiToken
from ecommune.api.schema import document
from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage
from ecommune.requests import documents
from ecommune.requests.models import EventKind, Request, RequestEvent
from ecommune.requests.references import new_reference
from ecommune.requests.statuses import Status
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent
from tests.api.agent_fixtures import *  # noqa: F403
from tests.api.agent_fixtures import HOST_A, HOST_B, Api, file_request, make_token

pytestmark = pytest.mark.django_db

KEY = re.compile(r"ecm_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 200


# Tokens in the back office ---------------------------------------------------------------


@pytest.fixture
def admin(contact_communes):
    """The commune's agents administrator: the right that opens « Agents »."""
    agent = AgentFactory(
        commune=contact_communes[0],
        services=["contact"],
        permissions=["ecommune_accounts.add_agent"],
    )
    return agent


def test_a_token_is_shown_once_and_stored_hashed(client, admin, contact_communes, quick_api):
    login_agent(client, admin.user)
    HOST = {"HTTP_HOST": HOST_A}
    assert client.get("/admin/jetons-api/nouveau/", **HOST).status_code == 200
    page = client.post(
        "/admin/jetons-api/nouveau/",
        {"name": "Logiciel courrier", "services": ["contact"], "expires_on": ""},
        **HOST,
    )
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    keys = set(KEY.findall(page.content.decode()))
    assert len(keys) == 1
    key = keys.pop()
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(f"ecm_{token.prefix}_")
    # The key is in no column, and no page shows it again.
    for value in ApiToken.objects.values().get().values():
        assert key not in str(value)
    listing = client.get("/admin/jetons-api/", **HOST).content.decode()
    assert "Logiciel courrier" in listing and token.prefix in listing and key not in listing
    created = AuditEvent.objects.get(action="api.token_created")
    assert created.actor == admin.user and created.object_id == str(token.pk)
    assert key not in created.summary
    # The key works.
    assert quick_api(HOST_A, key).get("requests/").status_code == 200


def test_revoking_stops_the_token_at_once(client, admin, contact_communes, quick_api):
    token, key = make_token(contact_communes[0], admin.user)
    api = quick_api(HOST_A, key)
    assert api.get("requests/").status_code == 200
    login_agent(client, admin.user)
    url = f"/admin/jetons-api/{token.pk}/revoquer/"
    assert client.get(url, HTTP_HOST=HOST_A).status_code == 200
    assert client.post(url, HTTP_HOST=HOST_A).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api.token_revoked", object_id=str(token.pk)).exists()
    assert api.get("requests/").status_code == 401
    # A revoked token cannot be revoked again (no page for it).
    assert client.get(url, HTTP_HOST=HOST_A).status_code == 404


def test_a_token_gets_only_services_its_maker_handles_and_the_commune_offers(
    client, contact_communes
):
    commune = contact_communes[0]
    commune.enabled_services = ["contact", "civil_status"]
    commune.save()
    admin = AgentFactory(
        commune=commune, services=["contact"], permissions=["ecommune_accounts.add_agent"]
    )
    login_agent(client, admin.user)
    page = client.post(
        "/admin/jetons-api/nouveau/",
        {"name": "GED", "services": ["contact", "civil_status"]},
        HTTP_HOST=HOST_A,
    )
    assert page.status_code == 200 and not KEY.search(page.content.decode())
    assert not ApiToken.objects.exists()
    form = client.get("/admin/jetons-api/nouveau/", HTTP_HOST=HOST_A).content.decode()
    assert 'value="contact"' in form and 'value="civil_status"' not in form


def test_an_agent_without_the_administrators_right_cannot_make_tokens(client, agent):
    login_agent(client, agent.user)
    for page in (
        client.get("/admin/jetons-api/", HTTP_HOST=HOST_A),
        client.post(
            "/admin/jetons-api/nouveau/", {"name": "x", "services": ["contact"]}, HTTP_HOST=HOST_A
        ),
    ):
        # Wagtail answers a refusal with a redirect to the dashboard and a message.
        assert page.status_code == 403 or page["Location"] == "/admin/"
    assert not ApiToken.objects.exists()


# Every bad token: the same 401 ------------------------------------------------------------


def altered(key: str) -> str:
    """``key`` with its last character changed (a key may end with any letter)."""
    return key[:-1] + ("B" if key.endswith("A") else "A")


def test_every_bad_token_gets_the_same_401(agent, other_agent, contact_communes, quick_api):
    commune, other = contact_communes
    _good, good_key = make_token(commune, agent.user)
    revoked, revoked_key = make_token(commune, agent.user, name="révoqué")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    _expired, expired_key = make_token(
        commune, agent.user, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    _theirs, their_key = make_token(other, other_agent.user)
    gone = AgentFactory(commune=commune, services=["contact"])
    _orphan, orphan_key = make_token(commune, gone.user)
    gone.user.is_active = False
    gone.user.save()
    moved = AgentFactory(commune=commune, services=["contact"])
    _moved_token, moved_key = make_token(commune, moved.user)
    moved.commune = other
    moved.save()
    api = quick_api(HOST_A, good_key)
    bad = {
        "no header": {},
        "another scheme": {"HTTP_AUTHORIZATION": f"Token {good_key}"},
        "basic": {"HTTP_AUTHORIZATION": "Basic YWxpY2U6c2VjcmV0"},
        "empty bearer": {"HTTP_AUTHORIZATION": "Bearer "},
        "unknown key": {"HTTP_AUTHORIZATION": "Bearer ecm_00000000_" + "x" * 43},
        "garbage": {"HTTP_AUTHORIZATION": "Bearer \x00é" + "y" * 500},
        "good key altered": {"HTTP_AUTHORIZATION": f"Bearer {altered(good_key)}"},
        "revoked": {"HTTP_AUTHORIZATION": f"Bearer {revoked_key}"},
        "expired": {"HTTP_AUTHORIZATION": f"Bearer {expired_key}"},
        "another commune's": {"HTTP_AUTHORIZATION": f"Bearer {their_key}"},
        "maker deactivated": {"HTTP_AUTHORIZATION": f"Bearer {orphan_key}"},
        "maker moved to another commune": {"HTTP_AUTHORIZATION": f"Bearer {moved_key}"},
    }
    bodies = set()
    for case, headers in bad.items():
        for response in (
            api.client.get("/api/v1/agent/requests/", **headers),
            api.client.post(
                "/api/v1/agent/requests/X/status/",
                "{}",
                content_type="application/json",
                **headers,
            ),
        ):
            assert response.status_code == 401, case
            assert response["Content-Type"] == "application/json", case
            assert response["WWW-Authenticate"].startswith("Bearer"), case
            bodies.add(response.content)
    assert len(bodies) == 1
    assert json.loads(bodies.pop()) == {"detail": str(REFUSED)}
    assert api.get("requests/").status_code == 200
    assert (
        not AuditEvent.objects.filter(action="api.token_used")
        .exclude(summary__startswith="GED:")
        .exists()
    )


def test_the_401_is_in_french(agent, contact_communes, quick_api):
    response = quick_api(HOST_A, "").get("requests/")
    assert response.status_code == 401
    assert "jeton" in response.json()["detail"].lower()


# Reads ----------------------------------------------------------------------------------


def test_the_list_filters_and_pages(api, contact_communes):
    commune = contact_communes[0]
    first = file_request(commune)
    second = file_request(commune, status=Status.IN_PROGRESS)
    third = file_request(commune, status=Status.DONE)
    with tenancy.using(commune):
        Request.objects.filter(pk=first.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(days=10)
        )
    listed = api.get("requests/").json()
    assert listed["count"] == 3 and listed["pages"] == 1
    assert [row["reference"] for row in listed["results"]][0] in {
        second.reference,
        third.reference,
    }
    assert {row["reference"] for row in listed["results"]} == {
        first.reference,
        second.reference,
        third.reference,
    }
    row = next(r for r in listed["results"] if r["reference"] == first.reference)
    assert row["applicant_last_name"] == "Martin" and row["service"] == "contact"
    assert row["status_label"]
    status = api.get("requests/", status=Status.IN_PROGRESS).json()
    assert [r["reference"] for r in status["results"]] == [second.reference]
    after = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    recent = api.get("requests/", submitted_after=after).json()
    assert {r["reference"] for r in recent["results"]} == {second.reference, third.reference}
    old = api.get("requests/", submitted_before=after).json()
    assert [r["reference"] for r in old["results"]] == [first.reference]
    assert api.get("requests/", service="elections").json()["count"] == 0
    paged = api.get("requests/", page_size=2, page=2).json()
    assert paged["count"] == 3 and paged["pages"] == 2 and len(paged["results"]) == 1
    for bad in (
        {"submitted_after": "2026-13-45"},
        {"page": "0"},
        {"page_size": "1000"},
        {"page": ""},
        {"statut": "submitted"},
    ):
        response = api.get("requests/", **bad)
        assert response.status_code == 400, bad
        assert set(response.json()["errors"]) == set(bad)


def attach_pdf(filed, commune, name="justificatif.pdf"):
    document = documents.store_document(
        uploaded=SimpleUploadedFile(name, PDF, "application/pdf"), kind="other", commune=commune
    )
    document.requests.add(filed)
    return document


def test_one_request_with_its_history_and_documents(api, contact_communes):
    commune = contact_communes[0]
    filed = file_request(commune)
    document = attach_pdf(filed, commune)
    response = api.get(f"requests/{filed.reference}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Access-Control-Allow-Origin" not in response
    body = response.json()
    assert body["reference"] == filed.reference
    assert [event["kind"] for event in body["history"]] == [EventKind.SUBMITTED]
    assert body["documents"] == [
        {
            "id": document.pk,
            "kind": "other",
            "title": document.title,
            "original_name": "justificatif.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "uploaded_at": body["documents"][0]["uploaded_at"],
        }
    ]
    assert any("Lampadaire éteint" in answer["value"] for answer in body["answers"])
    assert Status.IN_PROGRESS in {s["status"] for s in body["allowed_statuses"]}
    assert api.get("requests/NOPE-0000/").status_code == 404


def test_a_token_sees_its_services_only(agent, contact_communes, quick_api):
    commune = contact_communes[0]
    commune.enabled_services = ["contact", "civil_status"]
    commune.save()
    agent.services = ["contact", "civil_status"]
    agent.save()
    contact = file_request(commune)
    with tenancy.using(commune):
        civil = Request.objects.create(
            commune=commune,
            reference=new_reference(timezone.localdate().year),
            service="civil_status",
            applicant_first_name="Jean",
            applicant_last_name="Civil",
            applicant_email="jean@example.org",
        )
    _token, contact_key = make_token(commune, agent.user, services=["contact"])
    api = quick_api(HOST_A, contact_key)
    assert [r["reference"] for r in api.get("requests/").json()["results"]] == [contact.reference]
    assert api.get(f"requests/{civil.reference}/").status_code == 404
    assert api.get("requests/", service="civil_status").json()["count"] == 0
    assert api.post(f"requests/{civil.reference}/messages/", {"text": "x"}).status_code == 404
    _token, both_key = make_token(commune, agent.user, services=["contact", "civil_status"])
    both = quick_api(HOST_A, both_key)
    assert both.get("requests/").json()["count"] == 2
    # The maker loses a service: the token loses it too.
    agent.services = ["contact"]
    agent.save()
    assert both.get("requests/").json()["count"] == 1
    assert both.get(f"requests/{civil.reference}/").status_code == 404


# Another commune's requests, on every endpoint --------------------------------------------


def agent_routes():
    """Every route of the agents' API, found in the URL resolver (a new one is walked)."""

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    return sorted(route for route in walk(get_resolver().url_patterns) if "v1/agent/" in route)


BODIES = {
    "status": {"status": Status.IN_PROGRESS, "comment": "sonde"},
    "messages": {"text": "sonde"},
    "missing-piece": {"missing": "sonde"},
    "notes": {"text": "sonde"},
    "assignee": {"assignee_email": ""},
}


def _state(commune):
    with tenancy.using(commune):
        return (
            list(Request.objects.order_by("pk").values()),
            list(RequestEvent.objects.order_by("pk").values()),
            OutboxMessage.objects.count(),
        )


def test_a_token_of_commune_a_never_reaches_commune_b(api, other_agent, contact_communes):
    commune, other = contact_communes
    mine = file_request(commune)
    theirs = file_request(other, email="bastien@example.org")
    their_document = attach_pdf(theirs, other)
    their_token, their_key = make_token(other, other_agent.user)
    routes = agent_routes()
    assert len(routes) >= 5
    before = _state(other)
    walked = 0
    for route in routes:
        url = "/" + route.replace("<str:reference>", theirs.reference).replace(
            "<str:document>", str(their_document.pk)
        )
        assert "<" not in url, route
        last = url.rstrip("/").rsplit("/", 1)[-1]
        body = json.dumps(BODIES.get(last, {}))
        for host in (HOST_A, HOST_B):
            client = Api(host, api.key)
            for response in (
                client.client.get(url, **client.headers()),
                client.client.post(url, body, content_type="application/json", **client.headers()),
            ):
                text = response.content.decode()
                assert theirs.reference not in text, (url, host)
                assert "bastien@example.org" not in text, (url, host)
                if host == HOST_B:
                    assert response.status_code == 401, (url, response.status_code)
                elif "<str:reference>" in route:
                    assert response.status_code in (404, 405), (url, response.status_code)
                walked += 1
    assert walked >= 20
    assert _state(other) == before
    # And the other way: B's token on A's host sees nothing of A either.
    assert Api(HOST_A, their_key).get("requests/").status_code == 401
    assert mine.reference in json.dumps(api.get("requests/").json())


def test_the_schema_documents_every_agent_route_with_the_bearer_scheme():
    doc = document()
    agent_paths = {p: ops for p, ops in doc["paths"].items() if p.startswith("/api/v1/agent/")}
    expected = {
        "/api/v1/"
        + route.split("v1/", 1)[1]
        .replace("<str:reference>", "{reference}")
        .replace("<str:document>", "{document}")
        for route in agent_routes()
    }
    assert set(agent_paths) == expected
    assert doc["components"]["securitySchemes"]["agentToken"]["scheme"] == "bearer"
    for operations in agent_paths.values():
        for operation in operations.values():
            assert operation["security"] == [{"agentToken": []}]
            assert "401" in operation["responses"]


# Actions: the inbox's, with its rules and effects ------------------------------------------


def _effects(filed):
    """What an action left: the request's new events and the messages queued for it."""
    with tenancy.using(filed.commune):
        filed.refresh_from_db()
        events = [
            (e.kind, e.from_status, e.to_status, e.text, e.visible_to_resident, e.actor_id)
            for e in filed.events.exclude(kind=EventKind.SUBMITTED).order_by("pk")
        ]
        outbox = sorted(
            (m.event, m.channel)
            for m in OutboxMessage.objects.filter(event__startswith="request.").exclude(
                event="request.acknowledged"
            )
            if filed.reference in m.body or filed.reference in m.subject
        )
        audit = sorted(
            AuditEvent.objects.filter(
                object_id=str(filed.pk), action__startswith="requests."
            ).values_list("action", flat=True)
        )
    return filed.status, events, outbox, audit


INBOX = {
    "status": ("status", {"status": Status.IN_PROGRESS, "comment": "Nous regardons."}),
    "messages": ("message", {"text": "Le lampadaire sera réparé."}),
    "missing-piece": ("missing", {"missing": "Une photo du lampadaire."}),
    "notes": ("note", {"text": "Voir avec les services techniques."}),
}


@pytest.mark.parametrize("endpoint", sorted(INBOX))
def test_an_action_does_what_the_inbox_does(endpoint, api, agent, client, contact_communes):
    commune = contact_communes[0]
    action, body = INBOX[endpoint]
    by_inbox, by_api = file_request(commune), file_request(commune)
    login_agent(client, agent.user)
    page = client.post(
        f"/admin/demandes/{by_inbox.reference}/",
        {"action": action, **{f"{action}-{key}": value for key, value in body.items()}},
        HTTP_HOST=HOST_A,
    )
    assert page.status_code == 302
    response = api.post(f"requests/{by_api.reference}/{endpoint}/", body)
    assert response.status_code == 200, response.content
    inbox_effects, api_effects = _effects(by_inbox), _effects(by_api)
    assert api_effects == inbox_effects
    assert api_effects[1] and api_effects[3]  # something happened
    # The resident is written to, except for an internal note.
    assert bool(api_effects[2]) is (endpoint != "notes")
    assert response.json()["status"] == api_effects[0]
    assert response.json()["history"][-1]["kind"] == api_effects[1][-1][0]


def test_a_change_the_inbox_refuses_is_a_400_in_french(api, contact_communes):
    filed = file_request(contact_communes[0], status=Status.DONE)
    before = _effects(filed)
    response = api.post(f"requests/{filed.reference}/status/", {"status": Status.IN_PROGRESS})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert "demande" in detail.lower() and "«" in detail
    assert response.json()["errors"] == {"status": [detail]}
    assert _effects(filed) == before
    # Waiting for the resident needs to say what is missing, as in the inbox.
    open_one = file_request(contact_communes[0])
    response = api.post(f"requests/{open_one.reference}/missing-piece/", {"missing": "   "})
    assert response.status_code == 400
    response = api.post(f"requests/{open_one.reference}/messages/", {"text": " "})
    assert response.status_code == 400
    assert _effects(open_one)[1] == []


def test_assigning_names_an_agent_of_the_service_by_email_as_the_inbox_does(
    api, agent, colleague, other_agent, contact_communes
):
    filed = file_request(contact_communes[0])
    url = f"requests/{filed.reference}/assignee/"
    response = api.post(url, {"assignee_email": colleague.user.email.upper()})
    assert response.status_code == 200, response.content
    assert response.json()["assigned_to"] == colleague.user.get_full_name()
    assert response.json()["history"][-1]["kind"] == EventKind.ASSIGNED
    assert not response.json()["history"][-1]["visible_to_resident"]
    # Another commune's agent, or someone unknown: refused in French, nothing changes.
    for email in (other_agent.user.email, "inconnu@example.org"):
        refused = api.post(url, {"assignee_email": email})
        assert refused.status_code == 400
        assert "agent de cette commune" in refused.json()["detail"]
        assert set(refused.json()["errors"]) == {"assignee_email"}
    assert api.get(f"requests/{filed.reference}/").json()["assigned_to"]
    # Empty: back to the service's queue.
    assert api.post(url, {"assignee_email": ""}).json()["assigned_to"] == ""
    with tenancy.using(contact_communes[0]):
        assert (
            AuditEvent.objects.filter(action="requests.assigned", object_id=str(filed.pk)).count()
            == 2
        )


def test_a_document_downloads_with_its_type_and_the_download_is_audited(api, contact_communes):
    commune = contact_communes[0]
    filed, other = file_request(commune), file_request(commune)
    document = attach_pdf(filed, commune)
    response = api.client.get(
        f"/api/v1/agent/requests/{filed.reference}/documents/{document.pk}/",
        HTTP_ACCEPT="application/pdf",
        **api.headers(),
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action="requests.document_downloaded", object_id=str(filed.pk)
    ).exists()
    # Through another request of the same commune, or an unknown id: 404 in JSON.
    for url in (
        f"requests/{other.reference}/documents/{document.pk}/",
        f"requests/{filed.reference}/documents/{document.pk + 1000}/",
        f"requests/{filed.reference}/documents/x{document.pk}/",
        f"requests/{filed.reference}/documents/%C2%B3/",
    ):
        missing = api.get(url)
        assert missing.status_code == 404 and missing["Content-Type"] == "application/json"


# Bad bodies ----------------------------------------------------------------------------


def test_bad_bodies_get_a_400_in_json_and_change_nothing(api, contact_communes):
    filed = file_request(contact_communes[0])
    before = _effects(filed)
    url = f"requests/{filed.reference}/status/"
    cases = {
        "malformed": b'{"status": ',
        "not utf-8": b'{"status": "\xff"}',
        "not an object": json.dumps(["in_progress"]).encode(),
        "unknown field": json.dumps({"status": "in_progress", "comentaire": "x"}).encode(),
        "wrong type": json.dumps({"status": ["in_progress"]}).encode(),
        "too long": json.dumps({"status": "in_progress", "comment": "x" * 5001}).encode(),
        "oversize": json.dumps({"status": "in_progress", "comment": "x" * MAX_BODY}).encode(),
        "missing": b"{}",
    }
    for case, raw in cases.items():
        response = api.post(url, raw=raw)
        assert response.status_code == 400, (case, response.status_code, response.content)
        assert response["Content-Type"] == "application/json", case
        assert response.json()["detail"], case
    assert "comentaire" in api.post(url, raw=cases["unknown field"]).json()["errors"]
    assert _effects(filed) == before


# The audit trail and the rate limit -------------------------------------------------------


def test_every_call_is_in_the_audit_trail(api, contact_communes):
    filed = file_request(contact_communes[0])
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    api.get("requests/")
    api.post(f"requests/{filed.reference}/messages/", {"text": "Bonjour"})
    used = list(
        AuditEvent.objects.filter(action="api.token_used")
        .order_by("pk")
        .values_list("summary", "object_id", "actor_id", "commune_id")
    )
    assert used == [
        ("GED: GET /api/v1/agent/requests/", str(token.pk), token.created_by_id, token.commune_id),
        (
            f"GED: POST /api/v1/agent/requests/{filed.reference}/messages/",
            str(token.pk),
            token.created_by_id,
            token.commune_id,
        ),
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None
    sent = AuditEvent.objects.get(action="requests.message_sent")
    assert sent.actor_id == token.created_by_id


def test_the_agents_api_is_rate_limited(agent, contact_communes, settings):
    settings.ECOMMUNE_API_THROTTLE_RATE = "3/min"
    _token, key = make_token(contact_communes[0], agent.user)
    api = Api(HOST_A, key)
    assert [api.get("requests/").status_code for _ in range(3)] == [200] * 3
    limited = api.get("requests/")
    assert limited.status_code == 429 and limited.json()["detail"]
    assert Api(HOST_A, "ecm_wrong").get("requests/").status_code == 429
