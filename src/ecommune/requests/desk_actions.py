"""A service's own agents' actions (``Service.desk_actions``, ``DeskAction``): the one
runner behind the shared request page, a service's own desk page and the functions a
service exposes to its commands and tests, so they cannot drift apart.

- ``offered``: the actions that fit a request's status (its ``statuses``, or any open one)
  and whose ``to_status`` the service allows from there;
- ``form_for``: an action's form on the shared request page (its own fields, and the
  reason sent to the resident when it needs one), one form per action, no JavaScript;
- ``run``: in one transaction the service's ``perform``, then the engine's status change
  (history, audit trail, the resident's email; ``DeskAction.comment`` words it, « %(reason)s »
  standing for the agent's reason) or, without one, an internal line on the history; then
  the action's own line in the audit trail (``<service>.<action>``). A ``ValidationError``
  undoes it all and comes back next to the field it names (``show_error``).
"""

import inspect

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecommune.accounts.audit import audit
from ecommune.requests import agents
from ecommune.requests.models import EventKind, RequestEvent
from ecommune.requests.services import agent_status_label, allowed_transitions, change_status
from ecommune.requests.statuses import closed_statuses

#: The ``action`` value a desk action's form posts on the shared page: ``desk:<name>``.
PREFIX = "desk:"
REASON = "reason"


def offered(service_or_filed, status: str | None = None) -> list:
    """The actions an agent may run on a request in ``status`` (or on the request given):
    those naming the status (none named: any open status), whose ``to_status`` the service
    allows from there."""
    if status is None:
        service, status = service_or_filed.service_class(), service_or_filed.status
    else:
        service = service_or_filed
    is_open = status not in closed_statuses(service)
    return [
        action
        for action in service.desk_actions
        if (status in action.statuses if action.statuses else is_open)
        and (not action.to_status or action.to_status in allowed_transitions(service, status))
    ]


def named(service, name: str):
    """The action ``name`` of ``service``; LookupError for a name it does not declare."""
    for action in service.desk_actions:
        if action.name == name:
            return action
    raise LookupError(f"{service.slug} has no desk action « {name} ».")


def find(filed, posted: str):
    """The offered action the shared page's posted ``action`` value names, or None."""
    if not posted.startswith(PREFIX):
        return None
    name = posted.removeprefix(PREFIX)
    return next((action for action in offered(filed) if action.name == name), None)


def form_for(action, filed, data=None, files=None) -> forms.Form:
    """The action's form: its own fields (``DeskAction.form``, given ``filed=`` when its
    ``__init__`` takes it), and the reason sent to the resident, required when the action
    ``needs_reason``."""
    form_class = action.form_class() or forms.Form
    kwargs = {"prefix": f"desk-{action.name}"}
    if "filed" in inspect.signature(form_class.__init__).parameters:
        kwargs["filed"] = filed
    form = form_class(data, files, **kwargs)
    if action.needs_reason and REASON not in form.fields:
        form.fields[REASON] = forms.CharField(
            label=action.reason_label,
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=3000,
            help_text=gettext_lazy("The resident reads it with the new status."),
            error_messages={
                "required": gettext_lazy("Give the reason: it is sent to the applicant.")
            },
        )
    return form


def show_error(form, error) -> None:
    """Put ``error`` next to the fields it names (a dict of them), « say why » next to the
    reason, anything else above the form's fields."""
    if hasattr(error, "error_dict"):
        if set(error.error_dict) <= set(form.fields):
            form.add_error(None, error)
            return
        error = ValidationError(error.messages)
    if getattr(error, "code", None) == "required" and REASON in form.fields:
        form.add_error(REASON, error)
    else:
        form.add_error(None, error)


@transaction.atomic
def run(action, filed, cleaned: dict | None = None, *, actor, http_request=None):
    """Do ``action`` on ``filed`` for ``actor``, all or nothing; ``cleaned``: the form's
    answers, with the ``reason`` sent to the resident. Returns the status event, if the
    status moved. A ``ValidationError`` (no reason, an action not offered now, a move the
    service does not allow, or ``perform``'s own) leaves nothing done."""
    cleaned = dict(cleaned or {})
    reason = (cleaned.get(REASON) or "").strip()
    cleaned[REASON] = reason
    service = filed.service_class()
    if action not in offered(service, filed.status):
        raise ValidationError(
            _("This action is not possible for a request in this status."), code="not_offered"
        )
    if action.needs_reason and not reason:
        raise ValidationError(_("Give the reason: it is sent to the applicant."), code="required")
    old_status = filed.status
    perform = action.perform_function()
    if perform is not None:
        perform(http_request, filed, cleaned)
    event = None
    if action.to_status:
        comment = str(action.comment) % {"reason": reason} if action.comment else reason
        if http_request is not None:
            # The engine's own status change: history, audit trail, resident's email.
            event = agents.set_status(http_request, filed, action.to_status, comment)
        else:
            event = change_status(filed, action.to_status, actor=actor, comment=comment)
    else:
        # No status change to show it: an internal line says who did what.
        RequestEvent.objects.create(
            commune_id=filed.commune_id,
            request=filed,
            kind=EventKind.NOTE,
            actor=actor,
            text="\n".join(
                part for part in (_("Action: %(label)s") % {"label": action.label}, reason) if part
            ),
            visible_to_resident=False,
        )
    summary = str(action.label)
    if event is not None:
        summary += (
            f" ({agent_status_label(service, old_status)} → "
            f"{agent_status_label(service, action.to_status)})"
        )
    elif reason:
        summary += f": {reason[:200]}"
    audit(
        http_request if http_request is not None else actor,
        f"{service.slug}.{action.name}",
        filed,
        summary,
        commune=filed.commune,
    )
    return event
