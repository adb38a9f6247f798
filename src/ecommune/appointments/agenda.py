"""« Mon agenda » (``ecommune.accounts.agenda``): the resident's coming appointments."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecommune.accounts.agenda import AgendaItem, AgendaSource
from ecommune.appointments.models import Booking, BookingStatus


def appointment_items(user, commune, today):
    bookings = (
        Booking.objects.filter(user=user, status=BookingStatus.BOOKED, start__gt=timezone.now())
        .select_related("motive", "counter")
        .order_by("start")
    )
    url = reverse("ecommune_appointments:mine")
    for booking in bookings:
        place = ", ".join(part for part in (booking.counter.name, booking.counter.location) if part)
        yield AgendaItem(
            uid=f"appointment-{booking.reference}@{commune.pk}.agenda.ecommune",
            title=_("Appointment: %(motive)s") % {"motive": booking.motive.name},
            day=timezone.localdate(booking.start),
            start=booking.start,
            end=booking.end,
            kind=_("Appointment"),
            url=url,
            description=_("%(place)s. Reference: %(reference)s")
            % {"place": place, "reference": booking.reference},
        )


SOURCE = AgendaSource(name="appointments", items=appointment_items, order=20)
