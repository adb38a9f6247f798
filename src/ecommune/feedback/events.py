"""The survey's notification events: after a request, after an appointment."""

from django.utils.translation import gettext_lazy as _

from ecommune.notifications.events import Event, events

events.register(
    Event(
        "feedback.invitation",
        _("Asking the resident's opinion after a request"),
        ("email",),
        {
            "reference": _("the request's reference"),
            "service_title": _("the online service"),
            "applicant_name": _("the applicant's name"),
            "survey_url": _("the address of the three questions"),
        },
    )
)
events.register(
    Event(
        "feedback.appointment_invitation",
        _("Asking the resident's opinion after an appointment"),
        ("email",),
        {
            "reference": _("the appointment's reference, such as RDV-7K2M9Q"),
            "motive": _("what the appointment was for"),
            "resident_name": _("the resident's first and last name"),
            "survey_url": _("the address of the three questions"),
        },
    )
)
