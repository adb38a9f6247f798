"""The wizard's steps for electoral-roll registration: the voter and their lists, then
their attachment to the commune with the proofs.

Each step holds every answer its refusals depend on (a step's form sees only its own
answers); each refusal is a French message next to the field that causes it.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ecommune.core.addresses import AddressFields
from ecommune.core.dates import DateField
from ecommune.core.tenancy import get_current_commune
from ecommune.requests.document_steps import ReusableDocumentsMixin
from ecommune.requests.forms import DocumentField
from ecommune.services.elections import deadlines, eligibility
from ecommune.services.elections.eu import EU_COUNTRIES
from ecommune.services.elections.models import (
    KINDS_BY_LISTS,
    RESIDENCE_GROUNDS,
    Election,
    Lists,
    Nationality,
    Registration,
)

NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$")
EARLIEST_BIRTH_YEAR = 1900
#: A proof of home is less than 3 months old (service-public.fr F1367).
PROOF_MAX_AGE_MONTHS = 3
#: A proof of identity may have expired for less than 5 years (arrêté du 16 novembre 2018).
IDENTITY_EXPIRED_MAX_YEARS = 5
ISE_URL = (
    "https://www.service-public.fr/particuliers/vosdroits/services-en-ligne-et-formulaires/ISE"
)


def validate_person_name(value: str) -> None:
    if any(character.isdigit() for character in value):
        raise ValidationError(_("A name cannot contain digits."), code="digits")
    if not NAME_RE.match(value.strip()):
        raise ValidationError(
            _("Use letters only, with spaces, hyphens or apostrophes between them."),
            code="characters",
        )


def date_input():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def full_date(day) -> str:
    """« vendredi 6 février 2026 »: the weekday in lower case, as French writes it mid-sentence
    (the kit's catalogue capitalises weekday names for the opening-hours tables)."""
    text = date_format(day, "l j F Y")
    return text[:1].lower() + text[1:]


class RegistrationStep:
    """Mixed into each step, a ModelForm of ``Registration`` whose answers the engine saves,
    shows on the summary and to the agent: a required choice offers no empty one, and the
    ``person_names`` fields take letters only."""

    person_names: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.TypedChoiceField) and field.required:
                field.choices = [choice for choice in field.choices if choice[0] != ""]
            if name in self.person_names:
                field.validators.append(validate_person_name)


class VoterForm(RegistrationStep, forms.ModelForm):
    template_name = "ecommune_elections/forms/voter.html"
    person_names = ("birth_last_name", "usage_name", "first_names")

    eu_country = forms.ChoiceField(
        label=_("If you are a citizen of another EU country: which one?"),
        choices=[("", "—"), *EU_COUNTRIES],
        required=False,
    )
    eu_not_deprived = forms.BooleanField(
        label=_(
            "Citizens of another EU country: I declare that I am not deprived of the right "
            "to vote in my country of origin."
        ),
        required=False,
    )
    eu_vote_once = forms.BooleanField(
        label=_(
            "Citizens of another EU country, European elections: I declare that I will vote "
            "in France only, not in my country of origin."
        ),
        required=False,
    )

    class Meta:
        model = Registration
        field_classes = {"birth_date": DateField}
        fields = [
            "nationality",
            "eu_country",
            "lists",
            "eu_not_deprived",
            "eu_vote_once",
            "sex",
            "birth_last_name",
            "usage_name",
            "first_names",
            "birth_date",
            "birth_place",
            "birth_area",
            "previous_commune",
            "late_exception",
        ]
        labels = {
            "nationality": _("Nationality"),
            "lists": _("Which elections do you want to vote in?"),
            "sex": _("Sex"),
            "birth_last_name": _("Last name at birth"),
            "usage_name": _("Usage name (optional)"),
            "first_names": _("First names (all, in the order of your birth certificate)"),
            "birth_date": _("Date of birth"),
            "birth_place": _("Place of birth (commune)"),
            "birth_area": _("Department or country of birth"),
            "previous_commune": _(
                "Commune or consulate where you were registered before (optional)"
            ),
            "late_exception": _("Is the deadline past? Your situation (checked by the town hall)"),
        }
        help_texts = {
            "lists": _(
                "French citizens are on the general list. Citizens of another EU country may "
                "vote only in municipal and European elections, on complementary lists."
            ),
            "usage_name": _("Such as a spouse's name you use."),
            "birth_area": _("Such as Loire-Atlantique (44), or Italy."),
            "late_exception": _(
                "In these situations the law lets you register until the 10th day before the "
                "first round."
            ),
        }
        widgets = {
            "nationality": forms.RadioSelect,
            "lists": forms.RadioSelect,
            "sex": forms.RadioSelect,
            "birth_date": date_input(),
        }

    def get_context(self):
        context = super().get_context()
        context.update(upcoming_context())
        return context

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."), code="future")
        if birth_date.year < EARLIEST_BIRTH_YEAR:
            raise ValidationError(_("The date of birth cannot be before 1900."), code="too_old")
        return birth_date

    def clean(self):
        cleaned = super().clean()
        nationality, lists = cleaned.get("nationality"), cleaned.get("lists")
        if nationality == Nationality.EU:
            if not cleaned.get("eu_country"):
                self.add_error("eu_country", _("Choose your country."))
            if lists == Lists.GENERAL:
                self.add_error(
                    "lists",
                    _(
                        "As a citizen of another EU country, you may vote in France only in "
                        "municipal and European elections, not in presidential or legislative "
                        "elections nor referendums: choose the complementary lists."
                    ),
                )
            if not cleaned.get("eu_not_deprived"):
                self.add_error(
                    "eu_not_deprived", _("This declaration is required by the Code électoral.")
                )
            if lists not in {Lists.EUROPEAN, Lists.MUNICIPAL_EUROPEAN}:
                cleaned["eu_vote_once"] = None  # not asked: no European elections
            elif not cleaned.get("eu_vote_once"):
                self.add_error(
                    "eu_vote_once", _("This declaration is required for European elections.")
                )
        elif nationality == Nationality.FRENCH:
            if lists and lists != Lists.GENERAL:
                self.add_error(
                    "lists",
                    _(
                        "French citizens are registered on the general list, which covers "
                        "every election."
                    ),
                )
            cleaned.update(eu_country="", eu_not_deprived=None, eu_vote_once=None)
        if lists and cleaned.get("birth_date") and "lists" not in self.errors:
            self._check_counting(cleaned)
        return cleaned

    def _check_counting(self, cleaned):
        today = timezone.localdate()
        counting = eligibility.counted_for(
            list(Election.objects.upcoming(today)),
            KINDS_BY_LISTS[cleaned["lists"]],
            today,
            cleaned["birth_date"],
            cleaned.get("late_exception", ""),
        )
        # What the law decides, saved with the answers; an exception only if it counts.
        cleaned.update(
            counting=counting,
            election=counting.election,
            second_round_only=counting.second_round_only,
        )
        if not counting.late:
            cleaned["late_exception"] = ""
        if counting.election is None and not eligibility.is_of_age_today(
            cleaned["birth_date"], today
        ):
            birthday = deadlines.eighteenth_birthday(cleaned["birth_date"])
            self.add_error(
                "birth_date",
                _(
                    "You will be 18 on %(date)s: you must be 18 at the latest the day before "
                    "the first round of an election to vote in it, and no election announced "
                    "here takes place after that date. If you did your citizenship census "
                    "(recensement citoyen) at 16, you will be registered automatically at 18."
                )
                % {"date": full_date(birthday)},
            )


def upcoming_context(today=None) -> dict:
    """The elections announced, with their deadlines, for the page's text."""
    today = today or timezone.localdate()
    elections = list(Election.objects.upcoming(today))
    rows = [
        {
            "election": election,
            "deadline": election.registration_deadline,
            "deadline_text": full_date(election.registration_deadline),
            "exception_deadline": election.exception_deadline,
            "exception_text": full_date(election.exception_deadline),
            "deadline_passed": today > election.registration_deadline,
        }
        for election in elections
    ]
    next_open = next((row for row in rows if not row["deadline_passed"]), None)
    return {"elections": rows, "next_open": next_open, "ise_url": ISE_URL}


class AttachmentForm(ReusableDocumentsMixin, RegistrationStep, forms.ModelForm):
    template_name = "ecommune_elections/forms/attachment.html"
    address_fields = AddressFields("street_address", "postal_code", "city")

    proof_of_attachment = DocumentField(
        label=_("Proof of your link with the commune"),
        kind="proof_of_address",
        help_text=_(
            "Home or residence: a bill or rent receipt less than 3 months old in your name "
            "(a parent's, with proof of filiation, if you are under 26). Taxpayer: your local "
            "tax notices of the last two years. Public servant: your appointment order. PDF, "
            "JPEG or PNG, 10 MB at most."
        ),
    )
    identity_document = DocumentField(
        label=_("Copy of your proof of identity"),
        kind="identity",
        help_text=_("Both sides of an identity card. PDF, JPEG or PNG, 10 MB at most."),
    )

    class Meta:
        model = Registration
        field_classes = {"proof_dated": DateField, "identity_expires_on": DateField}
        fields = [
            "ground",
            "street_address",
            "postal_code",
            "city",
            "proof_of_attachment",
            "proof_dated",
            "identity_kind",
            "identity_expires_on",
            "identity_document",
        ]
        labels = {
            "ground": _("Your link with the commune"),
            "street_address": _("Number and street"),
            "postal_code": _("Postal code"),
            "city": _("City"),
            "proof_dated": _("Date of this proof"),
            "identity_kind": _("Proof of identity"),
            "identity_expires_on": _("Valid until"),
        }
        help_texts = {
            "street_address": _("Your home; a taxpayer living elsewhere gives their own address."),
            "proof_dated": _("Required for a proof of home: less than 3 months old."),
            "identity_expires_on": _("A document that expired less than 5 years ago is accepted."),
        }
        widgets = {
            "ground": forms.RadioSelect,
            "proof_dated": date_input(),
            "identity_expires_on": date_input(),
        }

    autocomplete = {
        "street_address": "address-line1",  # one line: "street-address" is for a textarea
        "postal_code": "postal-code",
        "city": "address-level2",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, token in self.autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["postal_code"].widget.attrs["inputmode"] = "numeric"

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if not re.fullmatch(r"\d{5}", code):
            raise ValidationError(_("A French postal code has 5 digits, such as 44000."))
        return code

    def clean_identity_expires_on(self):
        expires_on = self.cleaned_data["identity_expires_on"]
        today = timezone.localdate()
        limit = today.replace(year=today.year - IDENTITY_EXPIRED_MAX_YEARS)
        if expires_on < limit:
            raise ValidationError(
                _(
                    "This proof of identity expired more than 5 years ago: it is no longer "
                    "accepted. Give another one."
                ),
                code="expired",
            )
        return expires_on

    def clean(self):
        cleaned = super().clean()
        ground = cleaned.get("ground")
        commune = get_current_commune()
        code = cleaned.get("postal_code")
        if ground in RESIDENCE_GROUNDS and code and commune is not None:
            codes = commune.postal_code_list
            if codes and code not in codes:
                self.add_error(
                    "postal_code",
                    _(
                        "%(code)s is not a postal code of %(commune)s (%(codes)s). To register "
                        "for your home, ask the town hall of the commune where you live."
                    )
                    % {"code": code, "commune": commune.name, "codes": ", ".join(codes)},
                )
        if ground in RESIDENCE_GROUNDS:
            dated = cleaned.get("proof_dated")
            today = timezone.localdate()
            if dated is None and "proof_dated" not in self.errors:
                self.add_error("proof_dated", _("Give the date of your proof of home."))
            elif dated and dated > today:
                self.add_error("proof_dated", _("The date of the proof cannot be in the future."))
            elif dated and dated < months_before(today, PROOF_MAX_AGE_MONTHS):
                self.add_error(
                    "proof_dated",
                    _("A proof of home must be less than 3 months old: give a more recent one."),
                )
        return cleaned
