"""The engine's own wizard steps: who asks (and for whom), then the summary to confirm."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ecommune.core.phones import validate_french_phone
from ecommune.requests.documents import check_upload
from ecommune.requests.references import normalise_reference


class ApplicantForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    # 254: the columns of the request (Django's model EmailField); a form field says 320.
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("The acknowledgment and the answers are sent there."),
    )
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        max_length=20,
        required=False,
        validators=[validate_french_phone],
        help_text=_("Such as 06 12 34 56 78."),
    )
    sms_consent = forms.BooleanField(
        label=_("I agree to receive SMS about this request"), required=False
    )
    on_behalf = forms.BooleanField(label=_("I am filing for someone else"), required=False)
    beneficiary_first_name = forms.CharField(
        label=_("First name of the person concerned"), max_length=150, required=False
    )
    beneficiary_last_name = forms.CharField(
        label=_("Last name of the person concerned"), max_length=150, required=False
    )
    beneficiary_capacity = forms.CharField(
        label=_("You act as"),
        max_length=120,
        required=False,
        help_text=_("Such as parent, legal guardian, holder of a power of attorney."),
    )
    beneficiary_email = forms.EmailField(
        label=_("Email of the person concerned (optional)"), max_length=254, required=False
    )

    autocomplete = {
        "first_name": "given-name",
        "last_name": "family-name",
        "email": "email",
        "phone": "tel",
    }

    # Fields FranceConnect certifies, and the claim each comes from.
    certified_claims = {"first_name": "given_name", "last_name": "family_name", "email": "email"}

    def __init__(self, *args, certified=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, token in self.autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        if certified:
            self.certify(certified)

    def certify(self, claims):
        """Show FranceConnect's values read-only, and keep them whatever is posted."""
        data = self.data.copy() if self.is_bound else None
        for name, claim in self.certified_claims.items():
            if not claims.get(claim):
                continue
            self.initial[name] = claims[claim]
            self.fields[name].widget.attrs["readonly"] = True
            self.fields[name].help_text = _("Certified by FranceConnect")
            if data is not None:
                data[self.add_prefix(name)] = claims[claim]
        if data is not None:
            self.data = data

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sms_consent") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Give a mobile number to receive SMS."))
        if cleaned.get("on_behalf"):
            for name in ("beneficiary_first_name", "beneficiary_last_name", "beneficiary_capacity"):
                if name in self.fields and not cleaned.get(name):
                    self.add_error(name, _("Required when you file for someone else."))
        return cleaned


BENEFICIARY_FIELDS = (
    "beneficiary_first_name",
    "beneficiary_last_name",
    "beneficiary_capacity",
    "beneficiary_email",
)


class ResidentApplicantForm(ApplicantForm):
    """The wizard's « who is asking »: the person concerned is asked on the next step,
    and only when the resident ticks « I am filing for someone else » (so the four fields
    never show for nothing, with or without JavaScript)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in BENEFICIARY_FIELDS:
            del self.fields[name]
        self.fields["on_behalf"].help_text = _("The next step then asks who the request is for.")


class BeneficiaryForm(forms.Form):
    """The person concerned, when the resident files for someone else."""

    beneficiary_first_name = forms.CharField(
        label=_("First name of the person concerned"), max_length=150
    )
    beneficiary_last_name = forms.CharField(
        label=_("Last name of the person concerned"), max_length=150
    )
    beneficiary_capacity = forms.CharField(
        label=_("You act as"),
        max_length=120,
        help_text=_("Such as parent, legal guardian, holder of a power of attorney."),
    )
    beneficiary_email = forms.EmailField(
        label=_("Email of the person concerned (optional)"),
        max_length=254,
        required=False,
        help_text=_("The acknowledgment and the answers are sent there too."),
    )


class ConfirmForm(forms.Form):
    certify = forms.BooleanField(
        label=_("I certify that the information given is accurate."),
        error_messages={"required": _("Tick this box to send your request.")},
    )


class DocumentField(forms.FileField):
    """A file checked by the engine: PDF, JPEG or PNG by content, within the size limit.

    The engine keeps it in the resident's document space under ``kind`` when the request
    is filed."""

    def __init__(self, *args, kind: str = "other", **kwargs):
        self.document_kind = kind
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded and hasattr(uploaded, "size"):
            check_upload(uploaded)
        return uploaded

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = "application/pdf,image/jpeg,image/png"
        return attrs


class TrackForm(forms.Form):
    """Follow a request without an account: its reference and the email used."""

    reference = forms.CharField(
        label=_("Reference"),
        max_length=20,
        help_text=_("Such as EC-2026-4F7K9, from the acknowledgment."),
    )
    email = forms.EmailField(label=_("Email used for the request"), max_length=254)

    def clean_reference(self):
        return normalise_reference(self.cleaned_data["reference"])
