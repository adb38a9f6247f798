"""iCalendar files: the appointment attached to emails, its cancellation, the counters' feeds.

One appointment is one VEVENT whose UID never changes: a move sends the same UID
with a higher SEQUENCE (the resident's calendar updates the event), a cancellation
sends ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` (the calendar removes it).
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//ecommune//appointments//FR"


def booking_uid(booking) -> str:
    return f"{booking.reference}@ecommune"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _event(booking, *, cancelled: bool = False, for_agents: bool = False) -> Event:
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", booking.start.astimezone(datetime.UTC))
    event.add("dtend", booking.end.astimezone(datetime.UTC))
    event.add("sequence", booking.sequence)
    if for_agents:
        event.add("summary", f"{booking.motive.name} — {booking.full_name}")
    else:
        event.add("summary", f"{booking.motive.name} — {booking.commune.name}")
    location = ", ".join(
        part
        for part in (
            booking.counter.name,
            booking.counter.location,
            booking.commune.street_address,
            booking.commune.address_city,
        )
        if part
    )
    event.add("location", location)
    description = [_("Reference: %(reference)s") % {"reference": booking.reference}]
    if booking.motive.instructions and not for_agents:
        description.append(booking.motive.instructions)
    event.add("description", "\n\n".join(description))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if booking.commune.contact_email:
        # Calendar applications match a cancellation to its event by UID and organiser.
        organizer = vCalAddress(f"mailto:{booking.commune.contact_email}")
        organizer.params["cn"] = vText(booking.commune.name)
        event.add("organizer", organizer)
    return event


def booking_ics(booking, *, cancelled: bool = False) -> str:
    """The .ics sent to the resident: METHOD:PUBLISH, or METHOD:CANCEL once cancelled."""
    calendar = _calendar("CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(_event(booking, cancelled=cancelled))
    return calendar.to_ical().decode()


def booking_attachment(booking, *, cancelled: bool = False) -> dict:
    """The outbox attachment of a booking's .ics."""
    return {
        "filename": f"rendez-vous-{booking.reference}.ics",
        "mimetype": "text/calendar",
        "content": booking_ics(booking, cancelled=cancelled),
    }


def counter_feed(counter, bookings) -> str:
    """A counter's appointments as a subscribable calendar, for agents."""
    calendar = _calendar()
    calendar.add("x-wr-calname", counter.name)
    for booking in bookings:
        calendar.add_component(_event(booking, for_agents=True))
    return calendar.to_ical().decode()
