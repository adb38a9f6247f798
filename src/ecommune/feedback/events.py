"""The survey's notification event."""

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
