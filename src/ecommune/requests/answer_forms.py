"""The resident's answer to the town hall: a text, a new file and/or documents already kept
in their space."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ecommune.requests.forms import DocumentField
from ecommune.requests.models import Document, DocumentKind


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachment = DocumentField(
        label=_("Add a document (optional)"),
        required=False,
        kind=DocumentKind.OTHER,
        help_text=_("PDF, JPEG or PNG, 10 MB at most."),
    )
    kind = forms.ChoiceField(
        label=_("What is this document?"),
        choices=DocumentKind.choices,
        initial=DocumentKind.OTHER,
        required=False,
    )
    reuse = forms.ModelMultipleChoiceField(
        label=_("Or choose documents already in your space"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, owner=None, first_message=False, **kwargs):
        super().__init__(*args, **kwargs)
        if first_message:
            # On the request's page, before the town hall wrote: a message, not an answer.
            self.fields["text"].label = _("Your message")
        if owner is not None and owner.is_authenticated:
            self.fields["reuse"].queryset = Document.objects.filter(owner=owner).order_by(
                "-uploaded_at"
            )
        if not self.fields["reuse"].queryset.exists():
            del self.fields["reuse"]

    def clean(self):
        cleaned = super().clean()
        if (
            not (
                (cleaned.get("text") or "").strip()
                or cleaned.get("attachment")
                or cleaned.get("reuse")
            )
            and not self.errors
        ):
            self.add_error("text", _("Write an answer or add a document."))
        return cleaned
