"""« Mon espace » (``ecommune.accounts.space``): the closed requests and the appointments
seen whose satisfaction survey the resident has not answered yet, while its link would
be valid."""

import datetime

from django.utils import timezone

from ecommune.accounts.space import Section
from ecommune.appointments.models import Booking, BookingStatus
from ecommune.feedback.survey import LINK_DAYS, survey_path
from ecommune.requests.models import Request
from ecommune.requests.statuses import Status


def survey_context(request):
    since = timezone.now() - datetime.timedelta(days=LINK_DAYS)
    closed = list(
        Request.objects.filter(
            applicant=request.user, closed_at__gte=since, survey_answer__isnull=True
        )
        .exclude(status=Status.CANCELLED)
        .order_by("-closed_at")[:5]
    )
    # A booking keeps no « seen at »: its day stands for it (agents mark it that day).
    seen = list(
        Booking.objects.filter(
            user=request.user,
            status=BookingStatus.SEEN,
            start__gte=since,
            survey_answer__isnull=True,
        )
        .select_related("motive")
        .order_by("-start")[:5]
    )
    if not closed and not seen:
        return None
    for subject in (*closed, *seen):
        subject.survey_url = survey_path(subject)
    return {"closed": closed, "seen": seen}


SECTION = Section(
    name="survey",
    template="ecommune_feedback/space_section.html",
    context=survey_context,
    order=6,
)
