"""The engine's steps of an agent's intake: who asks and how the request came (counter,
phone, post), then the summary with an optional note for colleagues."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ecommune.requests.forms import ApplicantForm
from ecommune.requests.models import Channel

#: How a request reaches an agent who files it for the resident.
INTAKE_CHANNELS = (Channel.COUNTER, Channel.PHONE, Channel.POST)


class IntakeApplicantForm(ApplicantForm):
    """The resident's identity as the agent types it; the email is optional (without one, the
    agent gives the reference to the resident)."""

    channel = forms.ChoiceField(
        label=_("The request came"),
        choices=[
            (Channel.COUNTER, _("At the counter")),
            (Channel.PHONE, _("By phone")),
            (Channel.POST, _("By post")),
        ],
        initial=Channel.COUNTER,
        widget=forms.RadioSelect,
    )

    field_order = ["channel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["email"].required = False
        fields["email"].label = _("Email (optional)")
        fields["email"].help_text = _(
            "The acknowledgment and the answers are sent there. Without an email, give the "
            "resident the request's reference."
        )
        fields["phone"].help_text = _("Such as 06 12 34 56 78.")
        fields["sms_consent"].label = _("The resident agrees to receive SMS about this request")
        fields["on_behalf"].label = _("The resident files for someone else")
        fields["beneficiary_capacity"].label = _("The resident acts as")
        for name in ("first_name", "last_name", "email", "phone"):
            fields[name].widget.attrs["autocomplete"] = "off"


class IntakeConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note (optional)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only agents read it, such as « original documents seen at the counter »."),
    )
