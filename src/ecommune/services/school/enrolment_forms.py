"""The school enrolment wizard's own steps: the child and the address, the school (the one
of the sector, or another by derogation), and the only documents the town hall may ask for
(Code de l'éducation D131-3-1)."""

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.requests.document_steps import ReusableDocumentsMixin
from ecommune.requests.forms import DocumentField
from ecommune.requests.models import DocumentKind
from ecommune.services.school.forms import DateInput
from ecommune.services.school.models import Level, School


def next_school_year(today=None) -> int:
    """The school year enrolments are for: the next one, until the summer's end."""
    today = today or timezone.localdate()
    return today.year if today.month < 9 else today.year + 1


def school_year_choices():
    start = next_school_year()
    return [(str(year), f"{year}-{year + 1}") for year in (start, start + 1)]


class ChildStepForm(forms.Form):
    template_name = "ecommune_school/forms/child.html"

    first_name = forms.CharField(label=_("Child's first name"), max_length=150)
    last_name = forms.CharField(label=_("Child's last name"), max_length=150)
    birth_date = forms.DateField(label=_("Child's date of birth"), widget=DateInput())
    school_year = forms.TypedChoiceField(
        label=_("School year"), choices=school_year_choices, coerce=int
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    street_number = forms.CharField(label=_("Number"), max_length=10, required=False)
    street_name = forms.CharField(label=_("Street"), max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), max_length=5)
    city = forms.CharField(label=_("City"), max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street_name"].widget.attrs["autocomplete"] = "address-line1"
        self.fields["postal_code"].widget.attrs.update(
            autocomplete="postal-code", inputmode="numeric"
        )
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if value.year < today.year - 14:
            raise forms.ValidationError(
                _("The town hall enrols children in nursery and elementary school only.")
            )
        return value

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not (len(value) == 5 and value.isdigit()):
            raise forms.ValidationError(_("A postal code has 5 digits, such as 44000."))
        return value

    def clean(self):
        cleaned = super().clean()
        birth, year = cleaned.get("birth_date"), cleaned.get("school_year")
        if birth and year and year - birth.year < 3 - 1:
            # Instruction is compulsory from 3 (L131-1); the youngest enter at 2 if places allow.
            self.add_error(
                "birth_date",
                _("The child must be at least 2 years old at the start of the school year."),
            )
        return cleaned


class SchoolChoice(models.TextChoices):
    SECTOR = "sector", _("The school of my sector")
    OTHER = "other", _("Another school (derogation)")


class SchoolStepForm(forms.Form):
    template_name = "ecommune_school/forms/school.html"

    choice = forms.ChoiceField(
        label=_("School asked for"),
        choices=SchoolChoice.choices,
        initial=SchoolChoice.SECTOR,
        widget=forms.RadioSelect,
    )
    requested_school = forms.ModelChoiceField(
        label=_("Other school"),
        queryset=School.objects.all(),
        required=False,
        empty_label=_("Choose a school"),
    )
    reason = forms.CharField(
        label=_("Reason for the derogation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Such as a brother or sister in that school, childminder, health reasons."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("choice") == SchoolChoice.OTHER:
            if not cleaned.get("requested_school"):
                self.add_error("requested_school", _("Choose the school you ask for."))
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", _("Give the reason for your request."))
        return cleaned


class DocumentsStepForm(ReusableDocumentsMixin, forms.Form):
    """Only what D131-3-1 allows: the child's identity, the adults' identity and a proof of
    domicile, which a sworn statement may replace. A signed-in parent may choose documents
    already in their space (the family record book given for a brother, their identity)."""

    template_name = "ecommune_school/forms/documents.html"

    child_identity = DocumentField(
        label=_("The child's identity"),
        kind=DocumentKind.FAMILY_RECORD,
        help_text=_(
            "Family record book (pages of the parents and the child), birth certificate or "
            "identity card. PDF, JPEG or PNG, 10 MB at most."
        ),
    )
    guardian_identity = DocumentField(
        label=_("Your identity"),
        kind=DocumentKind.IDENTITY,
        help_text=_("Identity card, passport or residence permit. PDF, JPEG or PNG."),
    )
    proof_of_address = DocumentField(
        label=_("Proof of domicile (optional)"),
        kind=DocumentKind.PROOF_OF_ADDRESS,
        required=False,
        help_text=_("Less than 3 months old: bill, rent receipt, tax notice."),
    )
    sworn_statement = forms.BooleanField(
        label=_("I certify on my honour that I live at the address given"),
        required=False,
        help_text=_("Tick this box if you have no proof of domicile: it is accepted instead."),
    )

    def clean(self):
        cleaned = super().clean()
        proof = cleaned.get("proof_of_address") or cleaned.get("proof_of_address_kept")
        missing = not proof and not cleaned.get("sworn_statement")
        if missing and not self.has_error("proof_of_address"):
            self.add_error(
                "sworn_statement", _("Send a proof of domicile or tick the sworn statement.")
            )
        return cleaned
