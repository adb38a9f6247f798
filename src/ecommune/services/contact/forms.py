from django import forms
from django.utils.translation import gettext_lazy as _

from ecommune.requests.forms import DocumentField
from ecommune.services.contact.models import Topic


class MessageForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        min_length=10,
        max_length=5000,
    )
    attachment = DocumentField(
        label=_("Attached document (optional)"),
        required=False,
        kind="other",
        help_text=_("PDF, JPEG or PNG, 10 MB at most."),
    )
