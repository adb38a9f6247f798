from django import forms
from django.utils.translation import gettext_lazy as _

from ecommune.requests.forms import DocumentField
from ecommune.services.contact.models import ContactMessage


class MessageForm(forms.ModelForm):
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

    class Meta:
        model = ContactMessage
        fields = ["topic", "subject", "message"]
        labels = {"topic": _("Topic"), "subject": _("Subject")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # « Choisissez » rather than Django's « --------- » until a topic is chosen.
        topic = self.fields["topic"]
        topic.choices = [("", _("Choose")), *(c for c in topic.choices if c[0] != "")]
