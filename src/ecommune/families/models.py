"""A resident's family in a commune: the household, its legal guardians, its children and
the invitations that join a second guardian.

These rows belong to no single service: school enrolment, the canteen's billing and
payments all stand on them, so they sit on their own floor below payments and the
services (``pyproject.toml``'s import-linter contract). They were
``ecommune.services.school``'s models: their tables keep their names.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecommune.core.addresses import Address
from ecommune.core.tenancy import CommuneOwned


class Level(models.TextChoices):
    """French primary-school levels, from the first year of nursery school to CM2."""

    PS = "PS", _("Petite section")
    MS = "MS", _("Moyenne section")
    GS = "GS", _("Grande section")
    CP = "CP", _("CP")
    CE1 = "CE1", _("CE1")
    CE2 = "CE2", _("CE2")
    CM1 = "CM1", _("CM1")
    CM2 = "CM2", _("CM2")


class Household(CommuneOwned):
    """The family a resident's account holds in a commune: its adults (legal guardians, all
    with the same rights), its children and its quotient familial, which sets the price band
    of the canteen and after-school care. Its address is not stored here: it is its first
    guardian's, kept once in their account (``home``)."""

    quotient_familial = models.PositiveIntegerField(
        _("quotient familial"),
        null=True,
        blank=True,
        help_text=_("In euros, as written on the CAF or MSA certificate."),
    )
    qf_document = models.ForeignKey(
        "ecommune_requests.Document",
        verbose_name=_("proof of quotient familial"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    qf_valid_until = models.DateField(_("quotient familial valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        # The table the model had in ecommune.services.school, kept by its move.
        db_table = "ecommune_school_household"
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["pk"]

    def __str__(self):
        names = sorted({child.last_name for child in self.children.all()})
        return " ".join(names) or str(_("Household %(number)s") % {"number": self.pk})

    def home(self, guardians=None) -> Address:
        """The family's address: the first guardian's who gave one in their account (« Mes
        coordonnées »), where every form asking an address reads and offers to update it.
        ``guardians``, in joining order with their accounts, when the caller has read them."""
        if guardians is None and "guardians" in getattr(self, "_prefetched_objects_cache", {}):
            guardians = self.guardians.all()
        elif guardians is None:
            # The household's own commune, whether a commune is selected or not (a job).
            guardians = (
                Guardian.objects.for_commune(self.commune_id)
                .filter(household=self)
                .select_related("user")
            )
        for guardian in guardians:
            address = Address.of_account(guardian.user)
            if address:
                return address
        return Address()

    @property
    def address(self) -> str:
        home = self.home()
        return str(home) if home else ""

    def qf_on(self, day) -> int | None:
        """The quotient familial that counts on ``day``: None (the default price) without a
        proof or past its validity date."""
        if self.quotient_familial is None or self.qf_document_id is None:
            return None
        if self.qf_valid_until is None or self.qf_valid_until < day:
            return None
        return self.quotient_familial


class Guardian(CommuneOwned):
    """An adult of a household; an account belongs to one household per commune."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="guardians")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="ecommune_guardianships",
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        # The table the model had in ecommune.services.school, kept by its move.
        db_table = "ecommune_school_guardian"
        verbose_name = _("legal guardian")
        verbose_name_plural = _("legal guardians")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "user"], name="ecommune_school_one_household_per_commune"
            )
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.email


class Invitation(CommuneOwned):
    """A guardian invites another legal guardian by email; the link joins the household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        # The table the model had in ecommune.services.school, kept by its move.
        db_table = "ecommune_school_invitation"
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return self.email


class Child(CommuneOwned):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    birth_date = models.DateField(_("date of birth"))
    level = models.CharField(_("school level"), max_length=3, choices=Level.choices, blank=True)

    class Meta:
        # The table the model had in ecommune.services.school, kept by its move.
        db_table = "ecommune_school_child"
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["birth_date", "pk"]
        constraints = [
            # A child belongs to one household per commune.
            models.UniqueConstraint(
                fields=["commune", "last_name", "first_name", "birth_date"],
                name="ecommune_school_one_household_per_child",
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"
