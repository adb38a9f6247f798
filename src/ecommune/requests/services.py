"""What happens to a request, in one place for the web views, the back office, the API and
the commands: filing it, moving its status, logging a contact.

Each function works in a transaction and writes the request's history in it;
emails and SMS are queued from inside the same transaction, never sent in it.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.core.models import Commune
from ecommune.requests import notify
from ecommune.requests.models import Channel, EventKind, Request, RequestEvent
from ecommune.requests.references import new_reference
from ecommune.requests.statuses import (
    AGENT_LABELS,
    DEFAULT_TRANSITIONS,
    Status,
    closed_statuses,
)
from ecommune.requests.workdays import (
    add_working_days,
    subdivision_for_insee,
    working_days_between,
)


def status_choices(service) -> list[tuple[str, str]]:
    return list(service.statuses) if service.statuses is not None else list(Status.choices)


def status_label(service, status: str) -> str:
    return str(dict(status_choices(service)).get(status, status))


def agent_status_label(service, status: str) -> str:
    """The label agents read: the service's own agent wording (``Service.agent_labels``),
    the engine's where the resident's label speaks to the resident (``AGENT_LABELS``),
    otherwise the service's label."""
    own = getattr(service, "agent_labels", None) or {}
    if status in own:
        return str(own[status])
    if status in AGENT_LABELS:
        return str(AGENT_LABELS[status])
    return status_label(service, status) if service is not None else status


def allowed_transitions(service, status: str) -> tuple[str, ...]:
    transitions = service.transitions if service.transitions is not None else DEFAULT_TRANSITIONS
    return tuple(transitions.get(status, ()))


def expected_answer_date(commune: Commune, service, submitted_on=None):
    """The date of answer the acknowledgment promises: the service's delay in working days."""
    submitted_on = submitted_on or timezone.localdate()
    return add_working_days(
        submitted_on, service.processing_days, subdivision_for_insee(commune.insee_code)
    )


@dataclass
class Applicant:
    first_name: str
    last_name: str
    email: str
    phone: str = ""
    sms_consent: bool = False
    user: object = None


@dataclass
class Beneficiary:
    first_name: str
    last_name: str
    capacity: str
    email: str = ""


def submit_request(
    *,
    commune: Commune,
    service,
    applicant: Applicant,
    beneficiary: Beneficiary | None = None,
    channel: str = Channel.WEB,
    submission_key: uuid.UUID | None = None,
    actor=None,
    acknowledge: bool = True,
) -> tuple[Request, bool]:
    """Create the request row and its « submitted » event; returns it and whether it is new:
    the same ``submission_key`` twice (a double click) returns the first request and False.
    ``file_request`` (``ecommune.requests.filing``) files a whole request, the service's
    data and documents with it, and acknowledges it once they exist."""
    if not commune.has_service(service.slug):
        raise ValidationError(
            _("This commune does not offer this service online."), code="disabled"
        )
    if submission_key is not None:
        existing = (
            Request.objects.for_commune(commune).filter(submission_key=submission_key).first()
        )
        if existing is not None:
            return existing, False
    beneficiary = beneficiary or Beneficiary("", "", "")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                request = Request.objects.create(
                    commune=commune,
                    reference=new_reference(timezone.localdate().year),
                    service=service.slug,
                    status=service.initial_status,
                    applicant=applicant.user,
                    applicant_first_name=applicant.first_name,
                    applicant_last_name=applicant.last_name,
                    applicant_email=applicant.email,
                    applicant_phone=applicant.phone,
                    sms_consent=applicant.sms_consent and bool(applicant.phone),
                    beneficiary_first_name=beneficiary.first_name,
                    beneficiary_last_name=beneficiary.last_name,
                    beneficiary_capacity=beneficiary.capacity,
                    beneficiary_email=beneficiary.email,
                    channel=channel,
                    expected_answer_on=expected_answer_date(commune, service),
                    submission_key=submission_key,
                )
                RequestEvent.objects.create(
                    commune=commune,
                    request=request,
                    kind=EventKind.SUBMITTED,
                    channel=channel,
                    actor=actor or applicant.user,
                    to_status=request.status,
                )
                if acknowledge:
                    notify.acknowledge(request)
                return request, True
        except IntegrityError:
            if submission_key is not None:
                existing = (
                    Request.objects.for_commune(commune)
                    .filter(submission_key=submission_key)
                    .first()
                )
                if existing is not None:
                    return existing, False
            # Otherwise the random reference collided: draw another.
    raise RuntimeError("Could not draw a free request reference.")


def waiting_status(service) -> str | None:
    """The status meaning « waiting for the resident » in ``service``'s set, if it has one:
    the one it declares, else the common one when its set has it."""
    if getattr(service, "waiting_status", None):
        return service.waiting_status
    values = {value for value, _label in status_choices(service)}
    return Status.WAITING_RESIDENT if Status.WAITING_RESIDENT in values else None


def _suspend_or_resume_clock(request: Request, old_status: str, new_status: str) -> list[str]:
    """« Le délai est suspendu »: waiting for the resident stops the clock; leaving that
    status moves the expected date by the working days spent waiting."""
    waiting = waiting_status(request.service_class())
    if waiting is None or old_status == new_status:
        return []
    if new_status == waiting:
        request.waiting_since = timezone.now()
        return ["waiting_since"]
    if old_status == waiting and request.waiting_since is not None:
        subdivision = subdivision_for_insee(request.commune.insee_code)
        spent = working_days_between(
            timezone.localdate(request.waiting_since), timezone.localdate(), subdivision
        )
        if spent > 0 and request.expected_answer_on is not None:
            request.expected_answer_on = add_working_days(
                request.expected_answer_on, spent, subdivision
            )
        request.suspended_days += max(spent, 0)
        request.waiting_since = None
        return ["waiting_since", "suspended_days", "expected_answer_on"]
    return []


@transaction.atomic
def change_status(
    request: Request,
    new_status: str,
    *,
    actor,
    comment: str = "",
    visible_to_resident: bool = True,
    notify_resident: bool = True,
    channel: str = Channel.WEB,
) -> RequestEvent:
    """Move a request to ``new_status`` if its service allows it from the current one.

    ``notify_resident=False`` records the change without emailing the resident (when the
    resident's own answer moves it)."""
    request = (
        Request.objects.for_commune(request.commune_id)
        .select_related("commune")
        .select_for_update(of=("self",))
        .get(pk=request.pk)
    )
    service = request.service_class()
    if new_status not in allowed_transitions(service, request.status):
        raise ValidationError(
            _("A request cannot go from « %(old)s » to « %(new)s »."),
            code="invalid_transition",
            params={
                "old": status_label(service, request.status),
                "new": status_label(service, new_status),
            },
        )
    old_status = request.status
    request.status = new_status
    request.closed_at = timezone.now() if new_status in closed_statuses(service) else None
    clock_fields = _suspend_or_resume_clock(request, old_status, new_status)
    request.save(update_fields=["status", "closed_at", "updated_at", *clock_fields])
    event = RequestEvent.objects.create(
        commune_id=request.commune_id,
        request=request,
        kind=EventKind.STATUS,
        channel=channel,
        actor=actor,
        from_status=old_status,
        to_status=new_status,
        text=comment,
        visible_to_resident=visible_to_resident,
    )
    if visible_to_resident and notify_resident:
        notify.status_changed(request, event)
    return event


def log_contact(request: Request, *, channel: str, actor, text: str) -> RequestEvent:
    """An agent records a phone call, a counter visit or a letter in the request's history."""
    if channel not in {Channel.PHONE, Channel.COUNTER, Channel.POST, Channel.EMAIL}:
        raise ValidationError(
            _("Choose the phone, the counter, the post or email."), code="channel"
        )
    if not text.strip():
        raise ValidationError(_("Say what was said or received."), code="required")
    return RequestEvent.objects.create(
        commune_id=request.commune_id,
        request=request,
        kind=EventKind.CONTACT,
        channel=channel,
        actor=actor,
        text=text.strip(),
    )
