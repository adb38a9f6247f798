"""« Mon espace » (``ecommune.accounts.space``): the resident's coming appointments."""

from django.utils import timezone

from ecommune.accounts.space import Section
from ecommune.appointments.models import Booking, BookingStatus


def appointments_context(request):
    coming = list(
        Booking.objects.filter(
            user=request.user, status=BookingStatus.BOOKED, start__gt=timezone.now()
        )
        .select_related("motive", "counter")
        .order_by("start")[:5]
    )
    return {"coming": coming}


SECTION = Section(
    name="appointments",
    template="ecommune_appointments/space_section.html",
    context=appointments_context,
    order=20,
)
