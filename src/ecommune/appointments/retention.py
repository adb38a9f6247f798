"""How long appointments keep who came: the resident's name, email and phone are erased
``ECOMMUNE_APPOINTMENT_RETENTION_DAYS`` after the appointment, and a queue ticket's phone at
the end of its day; the rows stay, anonymous, for the counters' figures. The register of
processing says so (``REGISTER_ENTRY``)."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from ecommune.appointments.models import Booking, QueueTicket
from ecommune.core.services import PUBLIC_TASK, Processing, RegisterEntry, register_entries
from ecommune.core.tenancy import each_commune


def retention_days() -> int:
    return settings.ECOMMUNE_APPOINTMENT_RETENTION_DAYS


REGISTER_ENTRY = register_entries.register(
    RegisterEntry(
        key="appointments",
        title=_("Appointments at the town hall and the counters' queue"),
        order=10,
        processing=Processing(
            purpose=_(
                "Booking appointments at the town hall's counters (identity card and passport "
                "included), reminding them and calling the queue."
            ),
            legal_basis=PUBLIC_TASK,
            data=_(
                "Name, email, mobile phone, the motive and time of the appointment; for an "
                "identity card or a passport, the ANTS pre-application number; the expiry "
                "date of an identity document a resident chose to give for « Mon agenda »."
            ),
            retention=lazy(
                lambda: (
                    _(
                        "The name, email and phone are erased %(days)s days after the "
                        "appointment; a queue ticket's phone at the end of its day; a declared "
                        "expiry date a month after it."
                    )
                    % {"days": retention_days()}
                ),
                str,
            )(),
            recipients=_(
                "The agents of the counters; for an identity card or a passport, the ANTS "
                "(to detect double bookings)."
            ),
        ),
    )
)


def forget_past_appointments(now: datetime.datetime | None = None) -> tuple[int, int]:
    """Erase who came to the appointments older than the retention period, and the phones
    of past queue tickets, in every commune; returns (appointments, tickets) erased."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=retention_days())
    named = (
        ~Q(first_name="") | ~Q(last_name="") | ~Q(email="") | ~Q(phone="") | Q(user__isnull=False)
    )
    bookings = tickets = 0
    for _commune in each_commune():
        bookings += (
            Booking.objects.filter(end__lt=cutoff)
            .filter(named)
            .update(first_name="", last_name="", email="", phone="", user=None)
        )
        tickets += (
            QueueTicket.objects.filter(day__lt=timezone.localdate(now))
            .exclude(phone="")
            .update(phone="")
        )
    return bookings, tickets
