"""The identity FranceConnect certified for a user, as it came at their last sign-in."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.accounts.exports import covers, exporters

# The claims kept and handed to forms; ``sub`` is kept in its own column.
IDENTITY_CLAIMS = (
    "given_name",
    "family_name",
    "preferred_username",
    "birthdate",
    "gender",
    "birthplace",
    "birthcountry",
    "email",
)


class FranceConnectIdentity(models.Model):
    """One user's FranceConnect identity: the pairwise ``sub`` FranceConnect gives this
    service, and the identity claims of the last sign-in (FranceConnect is the authority on
    them, so each sign-in replaces them)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="franceconnect_identity",
        verbose_name=_("user"),
    )
    sub = models.CharField(_("FranceConnect identifier"), max_length=255, unique=True)
    claims = models.JSONField(_("certified identity"), default=dict, blank=True)
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last sign-in with FranceConnect"), default=timezone.now)

    class Meta:
        verbose_name = _("FranceConnect identity")
        verbose_name_plural = _("FranceConnect identities")

    def __str__(self):
        return f"{self.claims.get('given_name', '')} {self.claims.get('family_name', '')}".strip()

    @staticmethod
    def identity_claims(claims: dict) -> dict:
        """The identity claims among everything the userinfo holds (no ``iss``, ``aud``…)."""
        return {name: claims[name] for name in IDENTITY_CLAIMS if name in claims}


@exporters.register("franceconnect")
@covers("ecommune_accounts.FranceConnectIdentity.user")
def export_franceconnect_identity(user):
    identity = getattr(user, "franceconnect_identity", None)
    if identity is None:
        return None
    return {
        "sub": identity.sub,
        "claims": identity.claims,
        "linked_at": identity.linked_at,
        "last_login_at": identity.last_login_at,
    }
