"""The appointments' notification events, with the variables their templates may use."""

from django.utils.translation import gettext_lazy as _

from ecommune.notifications.events import Event, events

VARIABLES = {
    "reference": _("the appointment's reference, such as RDV-7K2M9Q"),
    "resident_name": _("the resident's first and last name"),
    "motive": _("what the appointment is for"),
    "date": _("the day of the appointment"),
    "time": _("the time of the appointment"),
    "counter": _("the counter"),
    "location": _("where the counter is in the building"),
    "address": _("the town hall's address"),
    "instructions": _("what to bring"),
    "ants_numbers": _("the ANTS pre-demand numbers given"),
    "cancel_url": _("the link to cancel the appointment"),
    "move_url": _("the link to move the appointment"),
}

events.register(Event("appointment.booked", _("Appointment booked"), ("email",), VARIABLES))
events.register(Event("appointment.moved", _("Appointment moved"), ("email",), VARIABLES))
events.register(Event("appointment.cancelled", _("Appointment cancelled"), ("email",), VARIABLES))
events.register(
    Event("appointment.reminder", _("Appointment reminder"), ("email", "sms"), VARIABLES)
)
events.register(
    Event(
        "queue.turn_near",
        _("Your turn is near at the counter"),
        ("sms",),
        {"counter": _("the counter"), "number": _("the ticket number"), "ahead": _("people ahead")},
    )
)
