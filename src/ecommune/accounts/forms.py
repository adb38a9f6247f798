"""Residents' and agents' account forms; messages show next to their field."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordMixin,
)
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from ecommune.accounts.emails import send_account_email
from ecommune.core.phones import format_french_phone

AUTOCOMPLETE = {
    "email": "email",
    "username": "email",
    "first_name": "given-name",
    "last_name": "family-name",
    "street_address": "address-line1",  # one line: "street-address" is for a textarea
    "postal_code": "postal-code",
    "city": "address-level2",
    "phone": "tel",
}


class AutocompleteMixin:
    """Sets the HTML ``autocomplete`` token of the fields named in ``AUTOCOMPLETE``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in AUTOCOMPLETE:
                field.widget.attrs.setdefault("autocomplete", AUTOCOMPLETE[name])


class SignUpForm(AutocompleteMixin, SetPasswordMixin, forms.Form):
    """A resident's new account. Whether the address is taken is not checked here: the
    page must not tell strangers who has an account (``services.register_resident``)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send a link to this address to check that it is yours."),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password again")
    )

    def clean_email(self):
        return get_user_model().objects.normalize_email(self.cleaned_data["email"]).lower()

    def clean(self):
        self.validate_passwords()
        cleaned = super().clean()
        # Checked against the person being created: a password made of their name is refused.
        User = get_user_model()
        person = User(
            email=cleaned.get("email", ""),
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
        )
        self.validate_password_for_user(person, "password1")
        return cleaned


class SignInForm(AutocompleteMixin, AuthenticationForm):
    """Email and password; an account whose address is not verified yet is told so."""

    username = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autofocus": True})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "This email and password do not match an account. Check both and try again."
        ),
        "unverified": _(
            "Your email address is not verified yet: follow the link we sent you when you "
            "signed up, or ask for a new one below."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_verified:
            raise ValidationError(self.error_messages["unverified"], code="unverified")

    @property
    def is_unverified(self) -> bool:
        return any(error.code == "unverified" for error in self.non_field_errors().as_data())


class ResendVerificationForm(AutocompleteMixin, forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)


class ProfileForm(AutocompleteMixin, forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = [
            "first_name",
            "last_name",
            "street_address",
            "postal_code",
            "city",
            "phone",
            "sms_consent",
        ]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "street_address": _("Number and street"),
            "postal_code": _("Postal code"),
            "city": _("City"),
            "phone": _("Mobile phone"),
            "sms_consent": _("I agree to receive SMS about my requests"),
        }
        help_texts = {
            "street_address": _("Such as 4 rue des Tilleuls, apartment 12."),
            "postal_code": _("Five digits, such as 44000."),
            "phone": _("Such as 06 12 34 56 78."),
            "sms_consent": _("You can withdraw your consent at any time on this page."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postal_code"].widget.attrs["inputmode"] = "numeric"
        # A text input with the phone keypad: the theme styles text inputs.
        self.fields["phone"].widget.attrs["inputmode"] = "tel"

    def clean_phone(self):
        return format_french_phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sms_consent") and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Give a mobile number to receive SMS."))
        return cleaned


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account will be deleted for good."),
        error_messages={"required": _("Tick this box to delete your account.")},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This is not your password."), code="wrong_password")
        return password


class OutboxPasswordResetMixin:
    """Django's reset form queues its email to the outbox like every account email,
    instead of sending it during the request (a mail server that is down gave a 500
    and lost the link). ``confirm_url_name`` is the page the link opens."""

    confirm_url_name = "ecommune_accounts:password_reset_confirm"

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        path = reverse(
            self.confirm_url_name, kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        reset_url = f"{context['protocol']}://{context['domain']}{path}"
        send_account_email(context["user"], "password_reset", {"reset_url": reset_url})


class AccountPasswordResetForm(AutocompleteMixin, OutboxPasswordResetMixin, PasswordResetForm):
    """Django's reset form, its email sent like every account email."""

    email = forms.EmailField(label=_("Email"), max_length=254)


class AgentPasswordResetForm(OutboxPasswordResetMixin, WagtailPasswordResetForm):
    """The back office's « mot de passe oublié » (``WAGTAILADMIN_USER_PASSWORD_RESET_FORM``):
    Wagtail's form, its email through the outbox too."""

    confirm_url_name = "wagtailadmin_password_reset_confirm"


class TokenForm(forms.Form):
    """A code from the authenticator app (six digits) or a backup code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows now, or a backup code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).lower()


class SetupTokenForm(TokenForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].help_text = _("The six digits your authenticator app shows now.")
