"""Agents invited by email: an administrator of the commune names them in the back office,
they choose their password from the link sent to them, then set up their second factor.

- ``invite_agent`` creates the account without a usable password and its ``Agent`` row,
  queues the invitation to the outbox (``emails.send_account_email``: a mail server
  that is down delays it, never loses it) and records ``agent_invited`` in the audit
  trail, all in one transaction;
- the link is signed with the site's secret key and timestamped: it works for
  ``ECOMMUNE_AGENT_INVITATION_MAX_AGE`` seconds (7 days by default) and only once,
  since it carries a digest of the account's password field: choosing a password, or a
  newer invitation (``resend_invitation`` draws a new unusable password), ends it;
- ``accept_invitation`` sets the password, signs the agent in and records
  ``invitation_accepted``; the view then sends them to the second factor's set-up.
"""

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from ecommune.accounts.audit import audit
from ecommune.accounts.emails import send_account_email
from ecommune.accounts.models import Agent, AuditEvent

SALT = "ecommune.accounts.agent-invitation"


class InvalidInvitation(Exception):
    """The link was altered, or its account is gone or is no agent's."""


class ExpiredInvitation(Exception):
    """The link was genuine but is too old."""


class UsedInvitation(Exception):
    """The link was used already, or a newer invitation replaced it."""


def max_age() -> int:
    return settings.ECOMMUNE_AGENT_INVITATION_MAX_AGE


def valid_days() -> int:
    return max(1, max_age() // 86400)


def _password_digest(user) -> str:
    return salted_hmac(SALT, user.password, algorithm="sha256").hexdigest()[:20]


def make_invitation_token(user) -> str:
    return signing.dumps({"u": user.pk, "p": _password_digest(user)}, salt=SALT)


def read_invitation_token(token: str):
    """The invited account; raises ``ExpiredInvitation``, ``UsedInvitation`` or
    ``InvalidInvitation``."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired as error:
        raise ExpiredInvitation from error
    except signing.BadSignature as error:
        raise InvalidInvitation from error
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise InvalidInvitation
    user = (
        get_user_model()
        .objects.filter(pk=data["u"], agent__isnull=False)
        .select_related("agent__commune")
        .first()
    )
    if user is None:
        raise InvalidInvitation
    if user.has_usable_password() or not constant_time_compare(
        str(data.get("p", "")), _password_digest(user)
    ):
        raise UsedInvitation
    return user


def is_pending(agent) -> bool:
    """Whether the agent has not chosen a password yet (their invitation is waiting)."""
    return not agent.user.has_usable_password()


def _send(agent) -> None:
    url = agent.commune.public_url(
        reverse("ecommune_accounts:accept_invitation", args=[make_invitation_token(agent.user)])
    )
    send_account_email(
        agent.user,
        "agent_invitation",
        {"accept_url": url, "valid_days": valid_days()},
    )


@transaction.atomic
def invite_agent(
    request, *, commune, email, first_name="", last_name="", services=(), groups=()
) -> Agent:
    """Create the agent of ``commune`` (no usable password yet) and queue their invitation."""
    user = get_user_model().objects.create_user(
        email=email, password=None, first_name=first_name, last_name=last_name
    )
    user.groups.set(groups)
    agent = Agent.objects.create(user=user, commune=commune, services=list(services))
    _send(agent)
    audit(
        request,
        AuditEvent.Action.AGENT_INVITED,
        agent,
        summary=user.email,
        commune=commune,
    )
    return agent


@transaction.atomic
def resend_invitation(request, agent) -> None:
    """A new link for an agent still waiting; the previous links stop working."""
    if not is_pending(agent):
        raise ValueError("This agent has chosen a password already.")
    agent.user.set_unusable_password()
    agent.user.save(update_fields=["password"])
    _send(agent)
    audit(
        request,
        AuditEvent.Action.AGENT_INVITED,
        agent,
        summary=f"{agent.user.email} (resent)",
        commune=agent.commune,
    )


@transaction.atomic
def accept_invitation(request, user, password: str) -> None:
    """Set the invited agent's password (the link stops working), sign them in on
    ``request`` and record it; their second factor is set up next."""
    user.set_password(password)
    user.save(update_fields=["password"])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit(
        request,
        AuditEvent.Action.INVITATION_ACCEPTED,
        user.agent,
        summary=user.email,
        commune=user.agent.commune,
    )
