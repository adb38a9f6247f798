"""The resident's account in the register of processing (RGPD art. 30), beside the
services': what it keeps and until when."""

from django.utils.translation import gettext_lazy as _

from ecommune.core.services import PUBLIC_TASK, Processing, RegisterEntry, register_entries

register_entries.register(
    RegisterEntry(
        key="accounts",
        title=_("Your account"),
        order=1,
        processing=Processing(
            purpose=_(
                "Letting residents sign in to follow their requests, keep their documents "
                "and fill in their forms faster."
            ),
            legal_basis=PUBLIC_TASK,
            data=_(
                "Email, name, phone, password (stored hashed), the sign-ins and their "
                "addresses for security, the FranceConnect identity when used."
            ),
            retention=_(
                "Until you close your account in « Mon compte »; the requests you filed stay "
                "as the commune's records for their own period."
            ),
            recipients=_("The town hall's agents, for the requests you file"),
        ),
    )
)
