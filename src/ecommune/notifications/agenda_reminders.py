"""Reminders of « Mon agenda » (``ecommune.accounts.agenda``): an email a few days before
each date, and an SMS to those who asked for it too (``AgendaReminders.by_sms``), to the
residents who asked for them, commune by commune.

Run daily by the periodic job ``agenda-reminders``. Each email's idempotency key names the
resident, the date's UID and its day: running the job twice in a day queues nothing more,
and a date that moves is reminded again for its new day.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ecommune.accounts.agenda import REMINDER_DAYS, items_for
from ecommune.accounts.models import AgendaReminders
from ecommune.core.tenancy import each_commune
from ecommune.notifications.events import Event, events
from ecommune.notifications.services import notify

EVENT = "agenda.reminder"

events.register(
    Event(
        EVENT,
        _("Reminder of a date of « Mon agenda »"),
        ("email", "sms"),
        {
            "resident_name": _("the resident's first and last name"),
            "title": _("what the date is"),
            "date": _("the day, such as « vendredi 7 mai 2027 »"),
            "time": _("the time, such as « 9 h 30 », when the date has one"),
            "url": _("the link to act"),
            "agenda_url": _("the link to « Mon agenda »"),
        },
    )
)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def send_due_reminders(today: datetime.date | None = None) -> int:
    """Queue the reminders of the dates ``REMINDER_DAYS`` days from ``today``; returns how
    many were queued (or found already queued)."""
    today = today or timezone.localdate()
    day = today + datetime.timedelta(days=REMINDER_DAYS)
    queued = 0
    for commune in each_commune():
        wanted = AgendaReminders.objects.select_related("user").filter(user__is_active=True)
        for reminders in wanted:
            user = reminders.user
            for item in items_for(user, commune, today):
                if item.day != day:
                    continue
                notify(
                    EVENT,
                    commune=commune,
                    email=user.email,
                    phone=user.phone if reminders.by_sms else "",
                    context={
                        "resident_name": f"{user.first_name} {user.last_name}".strip(),
                        "title": item.title,
                        "date": _lower_first(date_format(item.day, "l j F Y")),
                        "time": date_format(timezone.localtime(item.start), "G \\h i")
                        if item.start
                        else "",
                        "url": commune.public_url(item.url) if item.url else "",
                        "agenda_url": commune.public_url(reverse("ecommune_accounts:agenda")),
                    },
                    idempotency_key=f"agenda:{commune.pk}:{user.pk}:{item.uid}:{item.day}",
                )
                queued += 1
    return queued
