"""The family space in the register of processing (RGPD art. 30), beside the services'."""

from django.utils.translation import gettext_lazy as _

from ecommune.core.services import PUBLIC_TASK, Processing, RegisterEntry, register_entries

register_entries.register(
    RegisterEntry(
        key="family",
        title=_("Family space, canteen and after-school care"),
        order=20,
        processing=Processing(
            purpose=_(
                "Knowing the household's children and guardians to enrol them at school, "
                "in the canteen and after-school care, and pricing them by the quotient "
                "familial."
            ),
            legal_basis=PUBLIC_TASK,
            data=_(
                "Guardians' names and contact details, the children's names, dates of birth "
                "and school levels, the address, the quotient familial and its proof."
            ),
            retention=_(
                "As long as a child of the household attends the commune's schools or "
                "activities; the proof of the quotient familial for its own period."
            ),
            recipients=_("The school and after-school service of the town hall"),
        ),
    )
)
