"""The school enrolment wizard's own steps: the child and the address, the school (the one
of the sector, or another by derogation), and the only documents the town hall may ask for
(Code de l'éducation D131-3-1)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.core.addresses import AddressFields
from ecommune.core.dates import DateField
from ecommune.families.forms import DateInput
from ecommune.requests.document_steps import ReusableDocumentsMixin
from ecommune.requests.forms import DocumentField
from ecommune.requests.models import DocumentKind
from ecommune.services.school.models import Level, School, SchoolChoice, SchoolEnrolment
from ecommune.services.school.sectorisation import find_school


def next_school_year(today=None) -> int:
    """The school year enrolments are for: the next one, until the summer's end."""
    today = today or timezone.localdate()
    return today.year if today.month < 9 else today.year + 1


def school_year_choices():
    start = next_school_year()
    return [(str(year), f"{year}-{year + 1}") for year in (start, start + 1)]


class ChildStepForm(forms.ModelForm):
    """The child and the address, saved on ``SchoolEnrolment`` by the engine; the school of
    the sector, found from the address, is saved with them."""

    template_name = "ecommune_school/forms/child.html"
    address_fields = AddressFields("street_name", "postal_code", "city", number="street_number")

    school_year = forms.TypedChoiceField(
        label=_("School year"), choices=school_year_choices, coerce=int
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)

    class Meta:
        model = SchoolEnrolment
        fields = [
            "child_first_name",
            "child_last_name",
            "child_birth_date",
            "school_year",
            "level",
            "street_number",
            "street_name",
            "postal_code",
            "city",
        ]
        field_classes = {"child_birth_date": DateField}
        widgets = {"child_birth_date": DateInput()}
        labels = {
            "child_first_name": _("Child's first name"),
            "child_last_name": _("Child's last name"),
            "child_birth_date": _("Child's date of birth"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street_name"].widget.attrs["autocomplete"] = "address-line1"
        self.fields["postal_code"].widget.attrs.update(
            autocomplete="postal-code", inputmode="numeric"
        )
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"

    def clean_child_birth_date(self):
        value = self.cleaned_data["child_birth_date"]
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
        birth, year = cleaned.get("child_birth_date"), cleaned.get("school_year")
        if birth and year and year - birth.year < 3 - 1:
            # Instruction is compulsory from 3 (L131-1); the youngest enter at 2 if places allow.
            self.add_error(
                "child_birth_date",
                _("The child must be at least 2 years old at the start of the school year."),
            )
        if cleaned.get("street_name"):
            cleaned["sector_school"] = find_school(
                cleaned["street_name"], cleaned.get("street_number", ""), cleaned.get("level", "")
            )
        return cleaned


class SchoolStepForm(forms.ModelForm):
    """The school of the sector, or another one by derogation with its reason."""

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
    derogation_reason = forms.CharField(
        label=_("Reason for the derogation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Such as a brother or sister in that school, childminder, health reasons."),
    )

    class Meta:
        model = SchoolEnrolment
        fields = ["requested_school", "derogation_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("choice") == SchoolChoice.OTHER:
            if not cleaned.get("requested_school"):
                self.add_error("requested_school", _("Choose the school you ask for."))
            if not (cleaned.get("derogation_reason") or "").strip():
                self.add_error("derogation_reason", _("Give the reason for your request."))
        else:
            cleaned["requested_school"], cleaned["derogation_reason"] = None, ""
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
        if proof:
            # A proof given makes the sworn statement needless: the enrolment keeps the proof.
            cleaned["sworn_statement"] = False
        return cleaned
