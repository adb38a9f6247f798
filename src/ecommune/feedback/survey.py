"""Three questions after each request (Proposition 20 of the report), and their results
published per service (Proposition 21).

When an agent closes a request as done or refused, its applicant gets an email with a
signed link (valid ``LINK_DAYS``) to three questions, one per direction the report names:
was the online request easy, did the town hall answer within the time it announced, is
the resident satisfied overall. The email is queued in the transaction that closes the
request, through the outbox like every message. A request is answered once; answers
carry no personal data and are published per service, as soon as a service has
``MIN_ANSWERS`` answers in the last twelve months (fewer could point at a person).
"""

import datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from ecommune.feedback.models import OnTime, SurveyAnswer

SALT = "ecommune.feedback"
LINK_DAYS = 60
MIN_ANSWERS = 5
PERIOD = datetime.timedelta(days=365)


def survey_token(request) -> str:
    return signing.dumps({"r": request.pk}, salt=SALT, compress=True)


def survey_path(request) -> str:
    return reverse("ecommune_feedback:answer", args=[survey_token(request)])


def request_for_token(token: str):
    """The request a link is for, or None when the link is forged, too old or for a
    request that no longer exists."""
    from ecommune.requests.models import Request

    try:
        data = signing.loads(token, salt=SALT, max_age=datetime.timedelta(days=LINK_DAYS))
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return Request.unscoped.select_related("commune").filter(pk=data.get("r")).first()


def invite(filed) -> None:
    """Queue the email asking the applicant's opinion (once per request and address)."""
    from ecommune.notifications.services import notify
    from ecommune.requests.notify import public_url

    if not filed.applicant_email or SurveyAnswer.unscoped.filter(request=filed).exists():
        return
    notify(
        "feedback.invitation",
        commune=filed.commune,
        context={
            "reference": filed.reference,
            "service_title": str(filed.service_class().title),
            "applicant_name": filed.applicant_name,
            "survey_url": public_url(filed.commune, survey_path(filed)),
        },
        email=filed.applicant_email,
        service=filed.service,
        related_reference=filed.reference,
        idempotency_key=f"feedback:{filed.reference}:{filed.applicant_email}",
    )


def _request_closed(sender, instance, created, raw=False, **kwargs):
    """Receiver: a status event that closes a request as done or refused asks for an opinion
    (a cancelled request was mostly withdrawn by the resident: no survey)."""
    from ecommune.requests.models import EventKind
    from ecommune.requests.statuses import Status

    if raw or not created or instance.kind != EventKind.STATUS:
        return
    if instance.to_status in (Status.DONE, Status.REJECTED):
        invite(instance.request)


def connect_signals() -> None:
    from ecommune.requests.models import RequestEvent

    post_save.connect(_request_closed, sender=RequestEvent, dispatch_uid="ecommune_feedback")


class AlreadyAnswered(Exception):
    """The request's survey was answered before."""


def record(filed, *, ease: int, on_time: str, satisfaction: int) -> SurveyAnswer:
    """Store one answer; raises AlreadyAnswered for a second one."""
    try:
        with transaction.atomic():
            return SurveyAnswer.unscoped.create(
                commune_id=filed.commune_id,
                request=filed,
                service=filed.service,
                ease=ease,
                on_time=on_time,
                satisfaction=satisfaction,
            )
    except IntegrityError:
        raise AlreadyAnswered from None


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def results(commune, services, now=None) -> dict:
    """Per service of ``services`` and for all of them: the answers of the last twelve months
    and, from ``MIN_ANSWERS`` on, the share finding it easy, answered on time and satisfied.
    One query whatever the number of services and answers."""
    now = now or timezone.now()
    rows = (
        SurveyAnswer.unscoped.filter(commune=commune, answered_at__gte=now - PERIOD)
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
