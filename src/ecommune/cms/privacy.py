"""The personal-data processing of each online service, for the « données personnelles » page.

A service may declare ``personal_data = Processing(...)`` on its class. The kit's own
services are described here, so the legal page is complete without editing them; any other
service gets a cautious default naming the town hall as controller, which the commune
should complete on the page.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Processing:
    purpose: str
    legal_basis: str
    data: str
    retention: str
    recipients: str


PUBLIC_TASK = _("Public-interest task of the commune (GDPR art. 6-1-e)")
LEGAL_OBLIGATION = _("Legal obligation (GDPR art. 6-1-c)")
AGENTS = _("The town hall's agents in charge of the request")

KIT_PROCESSING = {
    "contact": Processing(
        purpose=_("Answering the messages residents send to the town hall."),
        legal_basis=PUBLIC_TASK,
        data=_("Name, email address, phone number, the message and its attachments."),
        retention=_("2 years after the last exchange."),
        recipients=AGENTS,
    ),
    "civil_status": Processing(
        purpose=_("Delivering copies and extracts of civil-status acts."),
        legal_basis=LEGAL_OBLIGATION,
        data=_(
            "Identity and address of the applicant, the act asked for, the applicant's link "
            "with the person named in the act."
        ),
        retention=_("1 year after the act is sent."),
        recipients=_("The civil-status officers of the town hall"),
    ),
    "elections": Processing(
        purpose=_("Registering voters on the commune's electoral roll."),
        legal_basis=LEGAL_OBLIGATION,
        data=_(
            "Identity, birth date and place, nationality, address, proof of identity and of "
            "attachment to the commune."
        ),
        retention=_("Until the decision is final, then as the Electoral Code requires."),
        recipients=_("The mayor, the election service, INSEE (single electoral register)"),
    ),
    "school": Processing(
        purpose=_("Enrolling children at the commune's schools."),
        legal_basis=PUBLIC_TASK,
        data=_(
            "Identity of the child and of the responsible adults, address and proof of "
            "address, school level."
        ),
        retention=_("Until the child leaves the commune's elementary schools."),
        recipients=_("The school service of the town hall and the school's head teacher"),
    ),
}


def processing_of(service) -> Processing:
    """What ``service`` (a registered Service class) does with personal data."""
    declared = getattr(service, "personal_data", None)
    if isinstance(declared, Processing):
        return declared
    if service.slug in KIT_PROCESSING:
        return KIT_PROCESSING[service.slug]
    return Processing(
        purpose=service.summary or service.title,
        legal_basis=PUBLIC_TASK,
        data=_("The information given in the online form and its attachments."),
        retention=_("As long as needed to handle the request, then as archiving rules require."),
        recipients=AGENTS,
    )
