"""Agents invited by email from the back office (issue 16, item 5): the administrator of a
commune names the agent, their services and groups; the agent chooses a password from the
link (once, for a limited time) and sets up their second factor; every invitation and
acceptance is in the audit trail; nobody invites into another commune."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecommune.accounts import invitations
from ecommune.accounts.models import Agent, AuditEvent
from ecommune.notifications.models import OutboxMessage
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent, totp_token
from tests.accounts.conftest import PASSWORD, fr, link_in

pytestmark = pytest.mark.django_db

HOST_A = {"HTTP_HOST": "commune-a.test"}
HOST_B = {"HTTP_HOST": "commune-b.test"}
AGENTS = "/admin/agents/"
INVITE = "/admin/agents/inviter/"
EMAIL = "louise.bernard@example.org"


@pytest.fixture
def agents_group(db):
    group, _created = Group.objects.get_or_create(name="Agents")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return group


@pytest.fixture
def administrator(commune, agents_group):
    """An agent of commune A allowed to invite (``ecommune_accounts.add_agent``)."""
    return AgentFactory(
        commune=commune,
        user__email="admin.a@example.org",
        permissions=["ecommune_accounts.add_agent"],
    )


def refused(response) -> bool:
    """403, or Wagtail's answer to a refusal: back to the dashboard with a message."""
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def invite(client, commune, group, **overrides):
    data = {
        "email": EMAIL,
        "first_name": "Louise",
        "last_name": "Bernard",
        "services": list(commune.enabled_services[:1]),
        "groups": [group.pk],
        **overrides,
    }
    return client.post(INVITE, data, **HOST_A)


def test_an_invitation_creates_the_agent_and_queues_one_email_with_a_link(
    client, commune, administrator, agents_group, sent
):
    login_agent(client, administrator.user)
    assert client.get(INVITE, **HOST_A).status_code == 200
    with sent():
        response = invite(client, commune, agents_group)
    assert response.status_code == 302 and response["Location"] == AGENTS
    agent = Agent.objects.get(user__email=EMAIL)
    assert agent.commune == commune
    assert agent.services == list(commune.enabled_services[:1])
    assert list(agent.user.groups.all()) == [agents_group]
    assert not agent.user.has_usable_password() and not agent.user.is_superuser
    [row] = OutboxMessage.objects.for_commune(commune).filter(recipient=EMAIL)
    assert row.event == "accounts.agent_invitation"
    [message] = mail.outbox
    assert message.to == [EMAIL] and "Commune-A" in message.body
    assert link_in(message, "/compte/invitation/").startswith("/compte/invitation/")
    event = AuditEvent.objects.get(action=AuditEvent.Action.AGENT_INVITED)
    assert event.actor == administrator.user and event.commune == commune
    assert event.object_id == str(agent.pk)
    listing = client.get(AGENTS, **HOST_A).content.decode()
    assert EMAIL in listing and f"/admin/agents/{agent.pk}/renvoyer/" in listing


def test_accepting_sets_the_password_and_leads_to_the_second_factor(
    client, commune, administrator, agents_group, sent
):
    login_agent(client, administrator.user)
    with sent():
        invite(client, commune, agents_group)
    link = link_in(mail.outbox[0], "/compte/invitation/")
    client.logout()
    page = client.get(link, **HOST_A)
    assert page.status_code == 200 and EMAIL in page.content.decode()
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD}, **HOST_A)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/securite/configurer/?next=")
    user = get_user_model().objects.get(email=EMAIL)
    assert user.check_password(PASSWORD)
    accepted = AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_ACCEPTED)
    assert accepted.actor == user and accepted.commune == commune
    # The set-up page: scan, type a code, then the back office.
    setup = client.get(response["Location"], **HOST_A)
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(response["Location"], {"token": totp_token(device)}, **HOST_A)
    assert done.status_code == 200
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get("/admin/", **HOST_A).status_code == 200
    # Signing in again later takes the chosen password.
    client.logout()
    assert client.login(username=EMAIL, password=PASSWORD)


def test_the_password_follows_the_validators_with_the_error_next_to_the_field(
    client, commune, administrator, agents_group, sent
):
    login_agent(client, administrator.user)
    with sent():
        invite(client, commune, agents_group)
    link = link_in(mail.outbox[0], "/compte/invitation/")
    client.logout()
    page = client.post(link, {"new_password1": "123", "new_password2": "123"}, **HOST_A)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ce mot de passe est trop court" in html
    assert 'aria-invalid="true"' in html or "errorlist" in html
    assert not get_user_model().objects.get(email=EMAIL).has_usable_password()


def test_a_used_link_is_refused_with_a_clear_message(client, commune, administrator, sent):
    invited = AgentFactory(commune=commune, user__email=EMAIL)
    invited.user.set_unusable_password()
    invited.user.save()
    link = f"/compte/invitation/{invitations.make_invitation_token(invited.user)}/"
    data = {"new_password1": PASSWORD, "new_password2": PASSWORD}
    assert client.post(link, data, **HOST_A).status_code == 302
    client.logout()
    again = client.post(link, {"new_password1": "autre-" + PASSWORD, "new_password2": "x"})
    assert again.status_code == 400
    assert fr("The link was already used, or a newer invitation replaced it.") in (
        again.content.decode()
    )
    invited.user.refresh_from_db()
    assert invited.user.check_password(PASSWORD)


def test_an_expired_link_is_refused(client, commune, time_machine):
    invited = AgentFactory(commune=commune, user__email=EMAIL)
    invited.user.set_unusable_password()
    invited.user.save()
    time_machine.move_to(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC))
    link = f"/compte/invitation/{invitations.make_invitation_token(invited.user)}/"
    time_machine.move_to(datetime.datetime(2026, 3, 8, 10, tzinfo=datetime.UTC))
    page = client.get(link, **HOST_A)
    assert page.status_code == 400
    assert fr("The link is too old.") in page.content.decode()
    assert client.get("/compte/invitation/nimporte-quoi/", **HOST_A).status_code == 400


def test_resending_replaces_the_link_and_is_audited(
    client, commune, administrator, agents_group, sent
):
    login_agent(client, administrator.user)
    with sent():
        invite(client, commune, agents_group)
    first = link_in(mail.outbox[0], "/compte/invitation/")
    agent = Agent.objects.get(user__email=EMAIL)
    resend = f"/admin/agents/{agent.pk}/renvoyer/"
    assert client.get(resend, **HOST_A).status_code == 200
    with sent():
        assert client.post(resend, **HOST_A).status_code == 302
    assert len(mail.outbox) == 2
    second = link_in(mail.outbox[1], "/compte/invitation/")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.AGENT_INVITED).count() == 2
    client.logout()
    assert client.get(first, **HOST_A).status_code == 400
    assert client.get(second, **HOST_A).status_code == 200
    # Once the agent chose a password there is nothing to resend.
    login_agent(client, administrator.user)
    agent.user.set_password(PASSWORD)
    agent.user.save()
    assert client.get(resend, **HOST_A).status_code == 404


def test_an_agent_of_a_never_invites_into_b_nor_sees_bs_agents(
    client, commune, other_commune, administrator, agents_group, sent
):
    theirs = AgentFactory(commune=other_commune, user__email="agent.b@example.org")
    theirs.user.set_unusable_password()
    theirs.user.save()
    login_agent(client, administrator.user)
    for host in (HOST_A, HOST_B):
        listing = client.get(AGENTS, **host)
        assert listing.status_code == 200
        assert "agent.b@example.org" not in listing.content.decode()
        assert client.get(f"/admin/agents/{theirs.pk}/renvoyer/", **host).status_code == 404
        assert client.post(f"/admin/agents/{theirs.pk}/renvoyer/", **host).status_code == 404
    with sent():
        client.post(
            INVITE,
            {
                "email": EMAIL,
                "first_name": "Louise",
                "last_name": "Bernard",
                "groups": [agents_group.pk],
            },
            **HOST_B,
        )
    assert Agent.objects.get(user__email=EMAIL).commune == commune
    assert len(mail.outbox) == 1  # nothing sent to B's agent


def test_agents_without_the_right_are_refused(client, commune, agents_group):
    agent = AgentFactory(commune=commune)
    login_agent(client, agent.user)
    for url in (AGENTS, INVITE):
        assert refused(client.get(url, **HOST_A))
    assert refused(invite(client, commune, agents_group))
    assert not Agent.objects.filter(user__email=EMAIL).exists()


def test_an_administrator_gives_only_groups_they_hold(client, commune, administrator, agents_group):
    powerful = Group.objects.create(name="Tout")
    powerful.permissions.add(*Permission.objects.all())
    login_agent(client, administrator.user)
    page = invite(client, commune, agents_group, groups=[powerful.pk])
    assert page.status_code == 200
    form = page.context["form"]
    assert "groups" in form.errors
    assert list(form.fields["groups"].queryset) == [agents_group]
    assert not Agent.objects.filter(user__email=EMAIL).exists()


def test_an_address_with_an_account_is_refused_next_to_the_field(
    client, commune, administrator, agents_group
):
    login_agent(client, administrator.user)
    page = invite(client, commune, agents_group, email=administrator.user.email.upper())
    assert page.status_code == 200
    message = fr(
        "This address already has an account. Ask the install's technical team to make it "
        "an agent, or use another address."
    )
    assert escape(message) in page.content.decode()
    assert page.context["form"].errors["email"] == [message]


def test_a_superuser_invites_into_the_commune_of_the_host(
    client, commune, other_commune, agents_group, django_user_model, sent
):
    admin = django_user_model.objects.create_superuser(email="root@example.org")
    login_agent(client, admin)
    with sent():
        response = client.post(
            INVITE,
            {
                "email": EMAIL,
                "first_name": "Louise",
                "last_name": "Bernard",
                "groups": [agents_group.pk],
            },
            **HOST_B,
        )
    assert response.status_code == 302
    assert Agent.objects.get(user__email=EMAIL).commune == other_commune
    assert "Commune-B" in mail.outbox[0].body


def test_the_right_to_invite_is_offered_in_the_groups_editor(client, commune, django_user_model):
    from django.urls import reverse

    admin = django_user_model.objects.create_superuser(email="root@example.org")
    login_agent(client, admin)
    page = client.get(reverse("wagtailusers_groups:add"), **HOST_A)
    assert page.status_code == 200
    right = Permission.objects.get(
        content_type__app_label="ecommune_accounts", codename="add_agent"
    )
    assert f'value="{right.pk}"' in page.content.decode()
