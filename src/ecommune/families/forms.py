"""The family space's forms; bad input gets a French message next to its field."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.core.dates import DateField
from ecommune.families.models import Child
from ecommune.requests.forms import DocumentField
from ecommune.requests.models import Document, DocumentKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AddressForm(forms.ModelForm):
    """The family's address is the resident's own, kept once in their account: this form
    changes it there, as « Mes coordonnées » does."""

    class Meta:
        model = get_user_model()
        fields = ["street_address", "postal_code", "city"]
        labels = {
            "street_address": _("Number and street"),
            "postal_code": _("Postal code"),
            "city": _("City"),
        }
        help_texts = {
            "street_address": _("Such as 4 rue des Tilleuls, apartment 12."),
            "postal_code": _("Five digits, such as 44000."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = True
        self.fields["street_address"].widget.attrs["autocomplete"] = "address-line1"
        self.fields["postal_code"].widget.attrs.update(
            autocomplete="postal-code", inputmode="numeric"
        )
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = ["first_name", "last_name", "birth_date", "level"]
        widgets = {"birth_date": DateInput()}
        field_classes = {"birth_date": DateField}
        help_texts = {"level": _("The level in the next school year; empty before school.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Words, not Django's « --------- », for a child not at school yet.
        self.fields["level"].choices = [
            ("", _("Not at school yet")),
            *[(value, label) for value, label in self.fields["level"].choices if value],
        ]

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if value.year < today.year - 18:
            raise forms.ValidationError(_("The family space is for children under 18."))
        return value


class QuotientForm(forms.Form):
    """The quotient familial with its proof: a CAF or MSA certificate already in the document
    space, or a new one."""

    value = forms.IntegerField(
        label=_("Quotient familial (in euros)"), min_value=0, max_value=100000
    )
    valid_until = DateField(
        label=_("Valid until"),
        widget=DateInput(),
        help_text=_("The end of validity written on the certificate."),
    )
    document = forms.ModelChoiceField(
        label=_("A certificate from my document space"),
        queryset=Document.objects.none(),
        required=False,
        empty_label=_("None: I send a new one below"),
    )
    upload = DocumentField(
        label=_("Or a new certificate"),
        kind=DocumentKind.INCOME,
        required=False,
        help_text=_("CAF or MSA certificate. PDF, JPEG or PNG, 10 MB at most."),
    )

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = Document.objects.filter(
            owner=owner, kind=DocumentKind.INCOME, expires_at__gt=timezone.now()
        )

    def clean_valid_until(self):
        value = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise forms.ValidationError(
                _("This certificate is no longer valid: send a recent one.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("document")
            and not cleaned.get("upload")
            and not self.has_error("upload")
        ):
            self.add_error("upload", _("Choose a certificate or send one."))
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email of the other legal guardian"),
        max_length=254,
        help_text=_("They receive a link to join the family space with their own account."),
    )
