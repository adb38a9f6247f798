"""Wizard steps that ask for documents: a signed-in resident may choose one already in their
document space instead of uploading it again.

A step form mixes in ``ReusableDocumentsMixin``; the engine's wizard then gives it the
resident (``owner``), and beside each ``DocumentField`` ``name`` the form offers
``name_kept``: the owner's still-kept documents of the same kind in this commune, as radio
buttons (no JavaScript needed). The choices are the owner's only, so a forged POST naming
someone else's document is refused like any invalid choice. A new file sent replaces the
choice. The wizard attaches the chosen document to the filed request
(``kept_documents``).
"""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ecommune.requests.forms import DocumentField
from ecommune.requests.models import Document

KEPT_SUFFIX = "_kept"


def reusable_documents(owner, kind: str):
    """The documents of ``kind`` that ``owner`` gave and the kit still keeps."""
    if owner is None or not owner.is_authenticated:
        return Document.objects.none()
    return Document.objects.filter(owner=owner, kind=kind, expires_at__gt=timezone.now()).order_by(
        "-uploaded_at", "-pk"
    )


class KeptDocumentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(title)s, given on %(date)s") % {
            "title": obj.title,
            "date": date_format(timezone.localtime(obj.uploaded_at), "j F Y"),
        }


class ReusableDocumentsMixin:
    """Offer the owner's kept documents beside each ``DocumentField`` of the form."""

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner if owner is not None and owner.is_authenticated else None
        self.reusable = {}
        if self.owner is None:
            return
        fields = {}
        for name, field in self.fields.items():
            fields[name] = field
            if not isinstance(field, DocumentField):
                continue
            queryset = reusable_documents(self.owner, field.document_kind)
            if not queryset.exists():
                continue
            fields[name + KEPT_SUFFIX] = KeptDocumentField(
                label=_("Or a document already in your space"),
                queryset=queryset,
                required=False,
                blank=True,
                empty_label=_("None: I send a file above"),
                widget=forms.RadioSelect,
                help_text=_("A file sent above replaces the document chosen here."),
                error_messages={
                    "invalid_choice": _("Choose one of the documents of your own space.")
                },
            )
            self.reusable[name] = field.required
            field.required = False
        self.fields = fields

    def clean(self):
        cleaned = super().clean()
        for name, required in self.reusable.items():
            kept_name = name + KEPT_SUFFIX
            if cleaned.get(name):
                cleaned[kept_name] = None
            elif (
                required
                and not cleaned.get(kept_name)
                and name not in self.errors
                and kept_name not in self.errors
            ):
                self.add_error(name, _("Send a file or choose a document of your space."))
        return cleaned


def kept_documents(form) -> list:
    """The documents a resident chose from their space in ``form``."""
    reusable = getattr(form, "reusable", {})
    cleaned = getattr(form, "cleaned_data", {}) or {}
    return [cleaned[name + KEPT_SUFFIX] for name in reusable if cleaned.get(name + KEPT_SUFFIX)]
