"""Making, revoking and checking the agents' API tokens (``ApiToken``), in one place for the
back-office pages, the API's authentication and the tests.

- ``services_for(user, commune)``: the services a user may give a token — those the commune
  offers that the user handles (every one the commune offers for a superuser);
- ``create_token``: a new token, its clear key returned once (only its hash is kept), and
  « api.token_created » in the audit trail;
- ``revoke_token``: the token stops at once, « api.token_revoked » in the audit trail;
- ``find_token``: the live token of a clear key for the commune of the host name called,
  or None — whatever went wrong (no such key, another commune's, revoked, expired, its
  maker gone or no longer an agent of the commune), so the caller cannot tell which;
- ``scope``: the services a token may see now: those it names that its maker still
  handles and the commune still offers."""

import secrets

from django.db import transaction
from django.utils import timezone

from ecommune.accounts.audit import audit
from ecommune.api.models import KEY_START, ApiToken, hash_key


def services_for(user, commune) -> list:
    """The commune's services (registered classes) that ``user`` may put in a token."""
    offered = commune.services()
    if user.is_superuser:
        return list(offered)
    agent = getattr(user, "agent", None)
    if agent is None or agent.commune_id != commune.pk:
        return []
    mine = set(agent.services or [])
    return [service for service in offered if service.slug in mine]


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_START}_{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def create_token(http_request, *, commune, name: str, services, expires_at=None):
    """A new token of ``commune`` made by the request's user; returns (token, clear key).
    Services the user may not give are dropped."""
    allowed = {service.slug for service in services_for(http_request.user, commune)}
    prefix, key = _new_key()
    token = ApiToken.objects.for_commune(commune).create(
        name=name.strip(),
        prefix=prefix,
        key_hash=hash_key(key),
        services=[slug for slug in services if slug in allowed],
        created_by=http_request.user,
        expires_at=expires_at,
    )
    audit(
        http_request,
        "api.token_created",
        token,
        ", ".join(token.services),
        commune=commune,
    )
    return token, key


@transaction.atomic
def revoke_token(http_request, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(http_request, "api.token_revoked", token, token.name, commune=token.commune)


def _maker_still_allowed(token: ApiToken) -> bool:
    user = token.created_by
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    agent = getattr(user, "agent", None)
    return agent is not None and agent.commune_id == token.commune_id


def find_token(commune, key: str) -> ApiToken | None:
    """The live token of ``commune`` whose clear key is ``key``, or None."""
    if commune is None or not key or not key.startswith(f"{KEY_START}_") or len(key) > 200:
        return None
    token = (
        ApiToken.objects.for_commune(commune)
        .select_related("commune", "created_by", "created_by__agent")
        .filter(key_hash=hash_key(key))
        .first()
    )
    if token is None or not token.is_active() or not _maker_still_allowed(token):
        return None
    return token


def scope(token: ApiToken) -> list[str]:
    """The services the token may see now."""
    maker = {service.slug for service in services_for(token.created_by, token.commune)}
    return [slug for slug in token.services if slug in maker]


def record_use(http_request, token: ApiToken) -> None:
    """One authenticated call: ``last_used_at`` (one UPDATE) and the audit trail."""
    now = timezone.now()
    ApiToken.objects.for_commune(token.commune_id).filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    audit(
        http_request,
        "api.token_used",
        token,
        f"{token.name}: {http_request.method} {http_request.path}"[:500],
        commune=token.commune,
    )
