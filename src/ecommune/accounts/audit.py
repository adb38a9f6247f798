"""The audit trail: ``audit()`` records what an agent did, for every app of the kit.

Call it from the service function that does the action, inside its transaction, so the
event and the change are kept or lost together::

    from ecommune.accounts.audit import audit

    audit(request, "requests.status_changed", the_request, "Submitted → In progress")

This module also records sign-ins, sign-outs and failed sign-ins of back-office users
(Django's auth signals). Residents' own sign-ins are not recorded here; django-axes
counts their failures.
"""

import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest

from ecommune.accounts.models import AuditEvent
from ecommune.core import tenancy


def needs_second_factor(user) -> bool:
    """Whether ``user`` works in the back office (and so needs a second factor there)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"))
    )


def client_ip(request) -> str | None:
    """The client's address as django-axes sees it (so both agree behind a proxy)."""
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def _commune_of(user, request):
    agent = getattr(user, "agent", None) if user is not None and user.pk else None
    if agent is not None:
        return agent.commune
    if request is not None and getattr(request, "commune", None) is not None:
        return request.commune
    return tenancy.get_current_commune()


def audit(request_or_user, action: str, obj=None, summary: str = "", *, commune=None):
    """Record one event; returns the ``AuditEvent``.

    ``request_or_user`` is the running request (its user, address and commune are
    taken) or a user (a command, a task). ``obj`` is the model instance acted on, if
    any. ``commune`` overrides the commune otherwise taken from the agent, the request
    or the current tenancy.
    """
    if isinstance(request_or_user, HttpRequest):
        request, user = request_or_user, getattr(request_or_user, "user", None)
    else:
        request, user = None, request_or_user
    return _record(request, user, action, obj, summary, commune=commune)


def _record(request, user, action, obj=None, summary="", *, commune=None, label=None):
    if user is not None and not user.is_authenticated:
        user = None
    event = AuditEvent(
        actor=user,
        actor_label=(label if label is not None else getattr(user, "email", ""))[:254],
        commune=commune if commune is not None else _commune_of(user, request),
        action=action,
        summary=summary,
        ip_address=client_ip(request) if request is not None else None,
    )
    if obj is not None:
        event.object_type = ContentType.objects.get_for_model(obj)
        event.object_id = str(obj.pk)
        event.object_label = str(obj)[:255]
    event.save()
    return event


# Signal receivers: the request given by Django may not carry the user yet (a login from
# the test client) or any more, so the user comes from the signal.


def _record_login(sender, request, user, **kwargs):
    if needs_second_factor(user):
        _record(request, user, AuditEvent.Action.LOGIN)


def _record_logout(sender, request, user, **kwargs):
    if needs_second_factor(user):
        _record(request, user, AuditEvent.Action.LOGOUT)


def _record_failed_login(sender, credentials, request=None, **kwargs):
    """A failed sign-in on the back office's page, or on any page for an agent's address."""
    credentials = credentials or {}
    username = credentials.get("username") or credentials.get("email") or ""
    target = get_user_model().objects.filter(email__iexact=username).first() if username else None
    on_admin = request is not None and request.path.startswith(settings.ECOMMUNE_ADMIN_PREFIX)
    if not on_admin and not needs_second_factor(target):
        return
    # "Who" is the account that was tried, if there is one: it did not sign in.
    _record(
        request,
        target,
        AuditEvent.Action.LOGIN_FAILED,
        summary=request.path if request is not None else "",
        label=username,
    )


def connect_signals() -> None:
    user_logged_in.connect(_record_login, dispatch_uid="ecommune_audit_login")
    user_logged_out.connect(_record_logout, dispatch_uid="ecommune_audit_logout")
    user_login_failed.connect(_record_failed_login, dispatch_uid="ecommune_audit_login_failed")
