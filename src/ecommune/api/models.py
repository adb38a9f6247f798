"""The agents' API tokens: one per connected program (a case-management or a document-
management software), made by the commune's agents administrator in the back office.

The clear key, ``ecm_<prefix>_<secret>``, is shown once when the token is made and never
again: only its SHA-256 is kept (``key_hash``), with a short ``prefix`` to tell the tokens
apart in the list. A token sees the requests of its commune in the services it names, no
more than the agent who made it may see (``ecommune.api.tokens``); it stops working when
it is revoked, when it expires, or when that agent leaves or loses the services."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.core.fields import ServiceListField
from ecommune.core.tenancy import CommuneOwned

KEY_START = "ecm"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(CommuneOwned):
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("The program that uses it, e.g. « Logiciel courrier »."),
    )
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    services = ServiceListField(
        _("services"), help_text=_("The procedures whose requests the token may read and handle.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({KEY_START}_{self.prefix}_…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
