"""Three questions after each request (Proposition 20 of the report) and after each
appointment at the town hall, and their results published per service (Proposition 21).

When an agent closes a request (its service's closed statuses but « cancelled »: done,
refused, granted…), its applicant gets an email with a signed link (valid ``LINK_DAYS``)
to three questions, one per direction the report names: was the online request easy, did
the town hall answer within the time it announced, is the resident satisfied overall. The
email is queued in the transaction that closes the request, through the outbox like every
message. A request is answered once; answers carry no personal data and are published per
service, as soon as a service has ``MIN_ANSWERS`` answers in the last twelve months (fewer
could point at a person).

When an agent marks an appointment « seen » (it took place), the resident gets the same
three questions, worded for an appointment (was booking easy, were they received at the
time booked, are they satisfied), by email, with or without an account. All appointments
count under one line of the results, ``APPOINTMENTS`` (« Rendez-vous à la mairie »), not
one per motive: a commune names its motives as it likes and renames them, most motives
would stay under ``MIN_ANSWERS`` for ever, and a resident reading the results looks for
« the town hall's appointments » beside its online services.
"""

import datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.feedback.models import OnTime, SurveyAnswer

SALT = "ecommune.feedback"
LINK_DAYS = 60
MIN_ANSWERS = 5
PERIOD = datetime.timedelta(days=365)


class AppointmentsLine:
    """The results' line of every appointment, beside the online services: the same
    ``slug`` and ``title`` a service has, so that the page and the open data list it like
    one. Its key never changes (open data readers follow it): it is stored in each answer."""

    slug = "appointments"
    title = _("Appointments at the town hall")


APPOINTMENTS = AppointmentsLine


def is_booking(subject) -> bool:
    from ecommune.appointments.models import Booking

    return isinstance(subject, Booking)


def survey_token(subject) -> str:
    """A request's or an appointment's link: ``r`` or ``b`` and its key, signed."""
    return signing.dumps(
        {"b" if is_booking(subject) else "r": subject.pk}, salt=SALT, compress=True
    )


def survey_path(subject) -> str:
    return reverse("ecommune_feedback:answer", args=[survey_token(subject)])


def subject_for_token(token: str):
    """The request or appointment a link is for, or None when the link is forged, too old
    or for one that no longer exists (or an appointment no longer marked seen)."""
    from ecommune.appointments.models import Booking, BookingStatus
    from ecommune.requests.models import Request

    try:
        data = signing.loads(token, salt=SALT, max_age=datetime.timedelta(days=LINK_DAYS))
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if "b" in data:
        return (
            Booking.objects.select_related("commune", "motive")
            .filter(pk=data["b"], status=BookingStatus.SEEN)
            .first()
        )
    return Request.objects.select_related("commune").filter(pk=data.get("r")).first()


def service_key(subject) -> str:
    """The results' line an answer counts in: the request's service, or ``APPOINTMENTS``."""
    return APPOINTMENTS.slug if is_booking(subject) else subject.service


def answered(subject) -> bool:
    field = "booking" if is_booking(subject) else "request"
    return SurveyAnswer.objects.for_commune(subject.commune_id).filter(**{field: subject}).exists()


def invite(filed) -> None:
    """Queue the email asking the applicant's opinion (once per request and address)."""
    from ecommune.notifications.services import notify

    if (
        not filed.applicant_email
        or SurveyAnswer.objects.for_commune(filed.commune_id).filter(request=filed).exists()
    ):
        return
    notify(
        "feedback.invitation",
        commune=filed.commune,
        context={
            "reference": filed.reference,
            "service_title": str(filed.service_class().title),
            "applicant_name": filed.applicant_name,
            "survey_url": filed.commune.public_url(survey_path(filed)),
        },
        email=filed.applicant_email,
        service=filed.service,
        related_reference=filed.reference,
        idempotency_key=f"feedback:{filed.reference}:{filed.applicant_email}",
    )


def booking_email(booking) -> str:
    """Where an appointment's invitation goes: the address given when booking, else the
    resident's account's (an agent may book for a resident without typing it)."""
    if booking.email:
        return booking.email
    return booking.user.email if booking.user_id and booking.user.email else ""


def invite_booking(booking) -> None:
    """Queue the email asking the resident's opinion after an appointment (once per
    appointment and address, even when an agent marks it seen again)."""
    from ecommune.notifications.services import notify

    email = booking_email(booking)
    if not email or answered(booking):
        return
    notify(
        "feedback.appointment_invitation",
        commune=booking.commune,
        context={
            "reference": booking.reference,
            "motive": booking.motive.name,
            "resident_name": booking.full_name,
            "survey_url": booking.commune.public_url(survey_path(booking)),
        },
        email=email,
        related_reference=booking.reference,
        idempotency_key=f"feedback:{booking.reference}:{email}",
    )


def _request_closed(sender, instance, created, raw=False, **kwargs):
    """Receiver: a status event that closes a request (one of its service's
    ``closed_statuses``: done, refused, granted…) asks for an opinion; a cancelled request
    was mostly withdrawn by the resident: no survey."""
    from ecommune.core.registry import registry
    from ecommune.requests.models import EventKind
    from ecommune.requests.statuses import Status, closed_statuses

    if raw or not created or instance.kind != EventKind.STATUS:
        return
    slug = instance.request.service
    service = registry.get(slug) if slug in registry else None
    closing = closed_statuses(service) - {Status.CANCELLED}
    if instance.to_status in closing:
        invite(instance.request)


def _booking_marked(sender, booking, status, **kwargs):
    """Receiver: an appointment marked seen took place; one that did not (no-show) or is
    booked again asks nothing."""
    from ecommune.appointments.models import BookingStatus

    if status == BookingStatus.SEEN:
        invite_booking(booking)


def connect_signals() -> None:
    from ecommune.appointments.signals import booking_marked
    from ecommune.requests.models import RequestEvent

    post_save.connect(_request_closed, sender=RequestEvent, dispatch_uid="ecommune_feedback")
    booking_marked.connect(_booking_marked, dispatch_uid="ecommune_feedback")


class AlreadyAnswered(Exception):
    """The request's or appointment's survey was answered before."""


def record(subject, *, ease: int, on_time: str, satisfaction: int) -> SurveyAnswer:
    """Store one answer about a request or an appointment; raises AlreadyAnswered for a
    second one."""
    about = {"booking": subject} if is_booking(subject) else {"request": subject}
    try:
        with transaction.atomic():
            return SurveyAnswer.objects.create(
                commune_id=subject.commune_id,
                service=service_key(subject),
                ease=ease,
                on_time=on_time,
                satisfaction=satisfaction,
                **about,
            )
    except IntegrityError:
        raise AlreadyAnswered from None


def surveyed_services(commune) -> list:
    """The results' lines: the commune's online services, then ``APPOINTMENTS`` when it
    has appointment motives (open or closed: their answers stay twelve months)."""
    from ecommune.appointments.models import Motive

    services = list(commune.services())
    if Motive.objects.for_commune(commune).exists():
        services.append(APPOINTMENTS)
    return services


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def results(commune, services, now=None) -> dict:
    """Per service of ``services`` and for all of them: the answers of the last twelve months
    and, from ``MIN_ANSWERS`` on, the share finding it easy, answered on time and satisfied.
    One query whatever the number of services and answers."""
    now = now or timezone.now()
    rows = (
        SurveyAnswer.objects.for_commune(commune)
        .filter(answered_at__gte=now - PERIOD)
        .values("service")
        .annotate(
            answers=Count("pk"),
            easy=Count("pk", filter=Q(ease__gte=4)),
            in_time=Count("pk", filter=Q(on_time=OnTime.YES)),
            late=Count("pk", filter=Q(on_time=OnTime.NO)),
            satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
            average=Avg("satisfaction"),
        )
    )
    by_service = {row["service"]: row for row in rows}

    def figures(title, row):
        answers = row["answers"] if row else 0
        shown = answers >= MIN_ANSWERS
        return {
            "title": title,
            "answers": answers,
            "shown": shown,
            "easy": _percent(row["easy"], answers) if shown else None,
            "on_time": _percent(row["in_time"], row["in_time"] + row["late"]) if shown else None,
            "satisfied": _percent(row["satisfied"], answers) if shown else None,
            "average": round(row["average"], 1) if shown else None,
        }

    lines = [figures(service.title, by_service.get(service.slug)) for service in services]
    total = {
        key: sum(row[key] for row in by_service.values())
        for key in ("answers", "easy", "in_time", "late", "satisfied")
    }
    if total["answers"]:
        weighted = sum(row["average"] * row["answers"] for row in by_service.values())
        total["average"] = weighted / total["answers"]
    else:
        total["average"] = None
    return {"services": lines, "total": figures("", total if total["answers"] else None)}
