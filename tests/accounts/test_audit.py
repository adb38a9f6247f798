"""The audit trail: recorded for agents, kept as written, read per commune."""

import pytest
from django.contrib.auth.models import Group, Permission

from ecommune.accounts.audit import audit
from ecommune.accounts.models import AuditEvent
from ecommune.testing.factories import AgentFactory, UserFactory
from ecommune.testing.otp import login_agent
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_agents_sign_in_sign_out_and_failures_are_recorded(client, commune, agent):
    client.post(
        "/admin/login/", {"username": agent.email, "password": "faux"}, REMOTE_ADDR="203.0.113.7"
    )
    client.post(
        "/admin/login/", {"username": agent.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    client.post("/admin/logout/", REMOTE_ADDR="203.0.113.7")
    events = list(AuditEvent.objects.order_by("pk"))
    assert [e.action for e in events] == ["login_failed", "login", "logout"]
    assert all(e.actor == agent and e.commune == commune for e in events)
    assert all(e.ip_address == "203.0.113.7" for e in events)
    assert events[1].actor_label == agent.email


def test_a_failed_sign_in_with_an_unknown_address_on_the_back_office_is_recorded(client, commune):
    client.post("/admin/login/", {"username": "intrus@example.org", "password": "x"})
    event = AuditEvent.objects.get()
    assert event.action == "login_failed" and event.actor is None
    assert event.actor_label == "intrus@example.org" and event.commune == commune


def test_residents_sign_ins_are_not_recorded(client, commune, resident):
    client.post("/compte/connexion/", {"username": resident.email, "password": "faux"})
    client.post("/compte/connexion/", {"username": resident.email, "password": PASSWORD})
    assert not AuditEvent.objects.exists()


def test_other_apps_record_their_actions(rf, commune, agent):
    request = rf.post("/admin/demandes/1/", REMOTE_ADDR="2001:db8::1")
    request.user = agent
    event = audit(request, "requests.status_changed", commune, "Déposée → En cours")
    assert (event.action, event.object_id, event.object_label) == (
        "requests.status_changed",
        str(commune.pk),
        str(commune),
    )
    assert event.object_type.model == "commune" and event.ip_address == "2001:db8::1"
    assert event.get_action_display() == "requests.status_changed"
    from_a_command = audit(agent, "requests.purged", summary="3 demandes")
    assert from_a_command.commune == commune and from_a_command.ip_address is None


def test_a_recorded_event_cannot_be_changed_or_deleted(commune, agent):
    event = audit(agent, "requests.status_changed", summary="avant")
    event.summary = "après"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert AuditEvent.objects.get().summary == "avant"


def test_the_trail_outlives_the_agents_account(commune, agent):
    audit(agent, "requests.status_changed")
    agent.delete()
    event = AuditEvent.objects.get()
    assert event.actor is None and event.actor_label == "agent@mairie-a.test"


@pytest.fixture
def auditor(commune):
    """A town hall's administrator, allowed to read the trail."""
    user = AgentFactory(commune=commune, user__email="dgs@mairie-a.test").user
    group, _ = Group.objects.get_or_create(name="Auditeurs")
    group.permissions.add(Permission.objects.get(codename="view_auditevent"))
    user.groups.add(group)
    return user


@pytest.fixture
def two_trails(commune, other_commune, agent):
    other_agent = AgentFactory(commune=other_commune, user__email="agent@mairie-b.test").user
    mine = audit(agent, "requests.status_changed", summary="dans A")
    theirs = audit(other_agent, "requests.status_changed", summary="dans B")
    return mine, theirs


def test_a_commune_administrator_reads_only_their_communes_trail(client, auditor, two_trails):
    mine, theirs = two_trails
    login_agent(client, auditor)
    page = client.get("/admin/ecommune_audit/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "agent@mairie-a.test" in html and "agent@mairie-b.test" not in html
    assert client.get(f"/admin/ecommune_audit/inspect/{mine.pk}/").status_code == 200
    assert client.get(f"/admin/ecommune_audit/inspect/{theirs.pk}/").status_code == 404


def test_a_superuser_reads_every_communes_trail(client, commune, two_trails):
    admin = UserFactory(email="dsi@example.org", is_staff=True, is_superuser=True)
    login_agent(client, admin)
    html = client.get("/admin/ecommune_audit/").content.decode()
    assert "agent@mairie-a.test" in html and "agent@mairie-b.test" in html


def test_nobody_may_add_change_or_delete_events(client, commune, two_trails):
    from wagtail.permissions import policy_registry

    admin = UserFactory(email="dsi@example.org", is_staff=True, is_superuser=True)
    policy = policy_registry.get_by_type(AuditEvent)
    assert policy.user_has_permission(admin, "view")
    for action in ("add", "change", "delete"):
        assert not policy.user_has_permission(admin, action)
    login_agent(client, admin)
    html = client.get("/admin/ecommune_audit/").content.decode()
    assert "/admin/ecommune_audit/new/" not in html and "/edit/" not in html
    for path in ("new/", f"edit/{two_trails[0].pk}/", f"delete/{two_trails[0].pk}/"):
        assert client.get(f"/admin/ecommune_audit/{path}").status_code == 404
    assert set(
        Permission.objects.filter(content_type__model="auditevent").values_list(
            "codename", flat=True
        )
    ) == {"view_auditevent"}


def test_an_agent_without_the_permission_does_not_see_the_trail(client, commune, agent):
    login_agent(client, agent)
    assert client.get("/admin/ecommune_audit/").status_code in (302, 403)
