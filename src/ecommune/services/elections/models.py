"""Elections the commune announces, and the typed data of a registration request."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from ecommune.core.tenancy import CommuneOwned, CommuneQuerySet, CommuneScopedManager
from ecommune.services.elections import deadlines


class ElectionKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal elections")
    EUROPEAN = "european", _("European elections")
    PRESIDENTIAL = "presidential", _("Presidential election")
    LEGISLATIVE = "legislative", _("Legislative elections")
    REFERENDUM = "referendum", _("Referendum")
    OTHER = "other", _("Other election")


#: The elections a citizen of another EU country may vote in, on the complementary lists
#: (Code électoral LO227-1 for municipal, loi n° 77-729 art. 2-1 for European elections).
EU_CITIZEN_KINDS = {ElectionKind.MUNICIPAL, ElectionKind.EUROPEAN}


class ElectionQuerySet(CommuneQuerySet):
    def upcoming(self, today=None):
        return self.filter(first_round__gt=today or timezone.localdate()).order_by("first_round")


class Election(CommuneOwned):
    """An election announced by the commune; its registration deadline follows from the law."""

    name = models.CharField(
        _("name"),
        max_length=150,
        help_text=_(
            "As it reads after « pour voter aux », such as « élections municipales de mars 2026 »."
        ),
    )
    kind = models.CharField(_("type"), max_length=20, choices=ElectionKind.choices)
    first_round = models.DateField(_("first round"))
    second_round = models.DateField(_("second round"), null=True, blank=True)

    objects = CommuneScopedManager.from_queryset(ElectionQuerySet)()
    unscoped = ElectionQuerySet.as_manager()  # noqa: DJ012  (a manager, not a field)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("first_round"),
        FieldPanel("second_round"),
    ]

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["first_round"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.second_round and self.first_round and self.second_round <= self.first_round:
            raise ValidationError({"second_round": _("The second round comes after the first.")})

    @property
    def registration_deadline(self):
        return deadlines.registration_deadline(self.first_round)

    @property
    def exception_deadline(self):
        return deadlines.exception_deadline(self.first_round)

    def open_to_eu_citizens(self) -> bool:
        return self.kind in EU_CITIZEN_KINDS


class Nationality(models.TextChoices):
    FRENCH = "french", _("French citizen")
    EU = "eu", _("Citizen of another European Union country")


class Lists(models.TextChoices):
    GENERAL = "general", _("All elections (general list, French citizens)")
    MUNICIPAL = "municipal", _("Municipal elections (complementary list)")
    EUROPEAN = "european", _("European elections (complementary list)")
    MUNICIPAL_EUROPEAN = (
        "municipal_european",
        _("Municipal and European elections (both complementary lists)"),
    )


#: Which election kinds each choice of lists lets the voter vote in.
KINDS_BY_LISTS = {
    Lists.GENERAL: set(ElectionKind.values),
    Lists.MUNICIPAL: {ElectionKind.MUNICIPAL},
    Lists.EUROPEAN: {ElectionKind.EUROPEAN},
    Lists.MUNICIPAL_EUROPEAN: {ElectionKind.MUNICIPAL, ElectionKind.EUROPEAN},
}


class Ground(models.TextChoices):
    """Attachment to the commune (Code électoral L11)."""

    DOMICILE = "domicile", _("I live in the commune (my home is here)")
    RESIDENCE = "residence", _("I have lived in the commune for at least 6 months")
    CHILD = "child", _("I am under 26 and my parent's home is in the commune")
    TAXPAYER = (
        "taxpayer",
        _(
            "I have paid local taxes in the commune for the 2nd year running "
            "(and wish to vote here)"
        ),
    )
    COMPANY = (
        "company",
        _(
            "I have managed, or been the majority or sole partner of, a company paying local "
            "taxes in the commune for the 2nd year running"
        ),
    )
    SPOUSE = "spouse", _("My spouse is registered here as such a taxpayer")
    PUBLIC_SERVANT = "public_servant", _("I am a public servant bound to reside in the commune")


#: Grounds for which the address must be in the commune and the proof less than 3 months old.
RESIDENCE_GROUNDS = {Ground.DOMICILE, Ground.RESIDENCE, Ground.CHILD}


class LateException(models.TextChoices):
    """After the deadline, until the 10th day before the first round (Code électoral L30)."""

    NONE = "", _("None of these")
    TURNING_18 = "turning_18", _("I turned 18 after the deadline (L30 3°)")
    PUBLIC_SERVANT_MOVED = (
        "public_servant_moved",
        _(
            "I am a public servant or public agent transferred or retired after the deadline, or "
            "of their household (L30 1°)"
        ),
    )
    MILITARY = "military", _("I left the armed forces after the deadline (L30 1° bis)")
    MOVED_FOR_WORK = (
        "moved_for_work",
        _(
            "I moved to the commune for work after the deadline, or with a household member who "
            "did (L30 2°)"
        ),
    )
    NATURALISED = "naturalised", _("I became French after the deadline (L30 4°)")
    RIGHTS_RECOVERED = (
        "rights_recovered",
        _("I recovered my right to vote after the deadline (L30 5°)"),
    )


class IdentityKind(models.TextChoices):
    ID_CARD = "id_card", _("National identity card")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other proof of identity with a photo (driving licence, etc.)")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Registration(CommuneOwned):
    request = models.OneToOneField(
        "ecommune_requests.Request", on_delete=models.CASCADE, related_name="registration"
    )
    nationality = models.CharField(_("nationality"), max_length=10, choices=Nationality.choices)
    eu_country = models.CharField(_("EU country"), max_length=40, blank=True)
    # A citizen of another EU country's declarations (Code électoral LO227-1, loi n° 77-729
    # art. 2-1); None: not asked (a French citizen, or no European elections).
    eu_not_deprived = models.BooleanField(
        _("declares not being deprived of the right to vote at home"), null=True, blank=True
    )
    eu_vote_once = models.BooleanField(
        _("declares voting in France only at European elections"), null=True, blank=True
    )
    lists = models.CharField(_("lists"), max_length=30, choices=Lists.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_last_name = models.CharField(_("last name at birth"), max_length=150)
    usage_name = models.CharField(_("usage name"), max_length=150, blank=True)
    first_names = models.CharField(_("first names"), max_length=200)
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=120)
    birth_area = models.CharField(
        _("department or country of birth"), max_length=120, help_text=_("Department or country.")
    )
    previous_commune = models.CharField(_("previously registered in"), max_length=150, blank=True)
    ground = models.CharField(_("attachment"), max_length=20, choices=Ground.choices)
    street_address = models.CharField(_("street address"), max_length=255)
    postal_code = models.CharField(_("postal code"), max_length=5)
    city = models.CharField(_("city"), max_length=120)
    identity_kind = models.CharField(
        _("proof of identity"), max_length=20, choices=IdentityKind.choices
    )
    identity_expires_on = models.DateField(_("proof of identity valid until"))
    proof_dated = models.DateField(_("proof of attachment dated"), null=True, blank=True)
    late_exception = models.CharField(
        _("exception after the deadline"),
        max_length=30,
        choices=LateException.choices,
        blank=True,
        default="",
    )
    election = models.ForeignKey(
        Election,
        verbose_name=_("counts for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    second_round_only = models.BooleanField(_("second round only"), default=False)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("electoral registration request")
        verbose_name_plural = _("electoral registration requests")

    def __str__(self):
        return f"{self.birth_last_name} {self.first_names}"

    @property
    def counting(self):
        """Which election the registration was saved to count for (``eligibility``)."""
        from ecommune.services.elections.eligibility import Counting

        return Counting(
            election=self.election,
            late=bool(self.late_exception) and self.election_id is not None,
            second_round_only=self.second_round_only,
        )

    @property
    def list_codes(self) -> str:
        """The lists as the REU names them: LP (principal), LCM (municipal), LCE (European)."""
        return {
            Lists.GENERAL: "LP",
            Lists.MUNICIPAL: "LCM",
            Lists.EUROPEAN: "LCE",
            Lists.MUNICIPAL_EUROPEAN: "LCM+LCE",
        }[self.lists]


class RegistrationOffer(CommuneOwned):
    """The kit offered a resident electoral registration once (P18): never twice, never a
    registration made for them."""

    user = models.ForeignKey(
        "ecommune_accounts.User",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("resident"),
    )
    address = models.CharField(_("address seen"), max_length=400)
    offered_at = models.DateTimeField(_("offered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("electoral registration offer")
        verbose_name_plural = _("electoral registration offers")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "user"], name="ecommune_elections_one_offer_per_resident"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.address}"
