"""Drafts in the register of processing (RGPD art. 30): the answers of a form a signed-in
resident started and did not send, and until when they are kept."""

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from ecommune.core.services import PUBLIC_TASK, Processing, RegisterEntry, register_entries

register_entries.register(
    RegisterEntry(
        key="drafts",
        title=_("Forms to finish (drafts)"),
        order=2,
        processing=Processing(
            purpose=_(
                "Letting a signed-in resident leave a form and finish it later, on any device."
            ),
            legal_basis=PUBLIC_TASK,
            data=_("The answers and files given in the steps already sent."),
            retention=lazy(
                lambda: (
                    _("%(days)s days after its last change, or until you send or delete it.")
                    % {"days": settings.ECOMMUNE_DRAFT_RETENTION_DAYS}
                ),
                str,
            )(),
            recipients=_("Nobody: the town hall's agents see a request once it is sent"),
        ),
    )
)
