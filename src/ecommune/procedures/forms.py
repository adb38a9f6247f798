"""The residents' forms of a designed procedure, built from a version's schema.

Each kind of field is the field the kit's coded services use for it: ``core.dates``'
``DateField`` (years in range), the French phone check, bounded texts and numbers, the
engine's ``DocumentField`` for files (its checks by content and size, narrowed to the
types and size the designer chose, never widened). A French postal address is three
fields (number and street, postal code, town), each with its label.

Conditions: a field shown when a field of an *earlier step* has a value is left out of
the form otherwise (the wizard gives the earlier answers); one that reads a field of the
*same step* is shown with a hint saying when to answer it, required only then, and its
answer dropped otherwise: no JavaScript is needed either way.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from ecommune.core.addresses import AddressFields
from ecommune.core.dates import DateField
from ecommune.core.phones import validate_french_phone
from ecommune.procedures.models import MIME_OF, Kind
from ecommune.procedures.schema import matches
from ecommune.requests.documents import detect_type
from ecommune.requests.forms import DocumentField

YES_NO = (("yes", _("Yes")), ("no", _("No")))
POSTAL_CODE = RegexValidator(r"^\d{5}$", _("Give a French postal code of five digits."))
ADDRESS_PARTS = ("street", "postal_code", "city")


class DesignedDocumentField(DocumentField):
    """The engine's file field (PDF, JPEG or PNG by content, the kit's size limit), with
    the types and size a designer chose among those."""

    def __init__(self, *args, mimes=(), max_bytes=None, **kwargs):
        self.mimes = tuple(mimes)
        self.max_bytes = max_bytes
        super().__init__(*args, kind="other", **kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded and hasattr(uploaded, "size"):
            from django.template.defaultfilters import filesizeformat

            if self.max_bytes and uploaded.size > self.max_bytes:
                raise ValidationError(
                    _("This file weighs %(size)s; the limit is %(limit)s.")
                    % {
                        "size": filesizeformat(uploaded.size),
                        "limit": filesizeformat(self.max_bytes),
                    },
                    code="too_large",
                )
            if self.mimes and detect_type(uploaded) not in self.mimes:
                raise ValidationError(
                    _("This file is not of an accepted type: %(types)s.")
                    % {"types": ", ".join(type_names(self.mimes))},
                    code="type",
                )
        return uploaded

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.mimes:
            attrs["accept"] = ",".join(self.mimes)
        return attrs


class DateInput(forms.DateInput):
    """The browser's date picker (ISO value); a posted value that is no date is not echoed
    back, since a date input's value must be a valid date (browsers never send one)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        import datetime

        if isinstance(value, str):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                return None
        return super().format_value(value)


def type_names(mimes) -> list[str]:
    names = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
    return [names[mime] for mime in mimes]


def form_field(spec: dict, required: bool):
    """The Django field(s) of one field of the schema: {form name: field}."""
    kind, label, help_text = spec["kind"], spec["label"], spec.get("help", "")
    common = {"label": label, "help_text": help_text, "required": required}
    name = spec["name"]
    if kind == Kind.SHORT_TEXT:
        return {name: forms.CharField(max_length=200, **common)}
    if kind == Kind.LONG_TEXT:
        return {name: forms.CharField(max_length=5000, widget=forms.Textarea, **common)}
    if kind == Kind.EMAIL:
        field = forms.EmailField(max_length=254, **common)
        field.widget.attrs["autocomplete"] = "email"
        return {name: field}
    if kind == Kind.PHONE:
        field = forms.CharField(
            max_length=20,
            validators=[validate_french_phone],
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            **{**common, "help_text": help_text or _("Such as 02 40 12 34 56.")},
        )
        return {name: field}
    if kind == Kind.DATE:
        return {name: DateField(widget=DateInput(), **common)}
    if kind == Kind.NUMBER:
        return {
            name: forms.DecimalField(
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("-999999999"),
                max_value=Decimal("999999999"),
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                **common,
            )
        }
    choices = [(choice, choice) for choice in spec.get("choices", [])]
    if kind == Kind.RADIO:
        return {name: forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)}
    if kind == Kind.SELECT:
        return {
            name: forms.ChoiceField(choices=[("", _("Choose…")), *choices], **common),
        }
    if kind == Kind.CHECKBOXES:
        return {
            name: forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        }
    if kind == Kind.YES_NO:
        return {name: forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)}
    if kind == Kind.ADDRESS:
        street = forms.CharField(
            max_length=200,
            label=_("%(label)s: number and street") % {"label": label},
            help_text=help_text,
            required=required,
        )
        street.widget.attrs["autocomplete"] = "address-line1"
        postal = forms.CharField(
            max_length=5,
            label=_("%(label)s: postal code") % {"label": label},
            validators=[POSTAL_CODE],
            required=required,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        )
        city = forms.CharField(
            max_length=100, label=_("%(label)s: town") % {"label": label}, required=required
        )
        city.widget.attrs["autocomplete"] = "address-level2"
        return {f"{name}__street": street, f"{name}__postal_code": postal, f"{name}__city": city}
    if kind == Kind.FILE:
        mimes = [MIME_OF[kind] for kind in spec.get("file_types") or MIME_OF]
        from django.template.defaultfilters import filesizeformat

        hint = _("%(types)s, %(size)s at most.") % {
            "types": ", ".join(type_names(mimes)),
            "size": filesizeformat(spec["max_bytes"]),
        }
        return {
            name: DesignedDocumentField(
                mimes=mimes,
                max_bytes=spec["max_bytes"],
                **{**common, "help_text": f"{help_text} {hint}".strip()},
            )
        }
    raise ValueError(f"Unknown kind of field: {kind}")


class DesignedStepForm(forms.Form):
    """One step of a designed procedure; the class carries its schema (``step``) and the
    procedure's fields by name (``by_name``); ``answers`` are the earlier steps' answers
    by field name, for the conditions that read them."""

    step: dict = {}
    by_name: dict = {}

    @classmethod
    def declared_field_names(cls) -> list[str]:
        """The step's fields, which ``__init__`` builds (``base_fields`` is empty): what a
        draft of this step may hold (``ecommune.requests.drafts``)."""
        return [spec["name"] for spec in cls.step.get("fields", [])]

    def __init__(self, *args, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = answers or {}
        specs = self.step.get("fields", [])
        own = {spec["name"] for spec in specs}
        self.conditional = {}
        for spec in specs:
            condition = spec.get("condition")
            if condition and condition["field"] not in own:
                source = self.by_name[condition["field"]]
                if not matches(source, self.answers.get(condition["field"]), condition["value"]):
                    continue
            same_step = bool(condition and condition["field"] in own)
            built = form_field(spec, required=spec["required"] and not same_step)
            if same_step:
                source = self.by_name[condition["field"]]
                hint = _("Answer only if « %(label)s » is « %(value)s ».") % {
                    "label": source["label"],
                    "value": condition["value"],
                }
                for field in built.values():
                    field.help_text = f"{hint} {field.help_text}".strip()
                self.conditional[spec["name"]] = (spec, tuple(built))
            self.fields.update(built)

    def clean(self):
        cleaned = super().clean()
        for _name, (spec, names) in self.conditional.items():
            condition = spec["condition"]
            source = self.by_name[condition["field"]]
            if matches(source, cleaned.get(condition["field"]), condition["value"]):
                if spec["required"]:
                    for form_name in names:
                        if form_name not in self.errors and cleaned.get(form_name) in (
                            None,
                            "",
                            [],
                        ):
                            self.add_error(form_name, _("This field is required."))
            else:
                for form_name in names:
                    cleaned.pop(form_name, None)
                    self.errors.pop(form_name, None)
        return cleaned


def step_form(step: dict, by_name: dict) -> type:
    attributes = {"step": step, "by_name": by_name}
    # The step's first postal address is the one the engine prefills from the account.
    address = next((f for f in step.get("fields", []) if f["kind"] == Kind.ADDRESS), None)
    if address is not None:
        name = address["name"]
        attributes["address_fields"] = AddressFields(
            f"{name}__street", f"{name}__postal_code", f"{name}__city"
        )
    return type(
        "DesignedStepForm_" + step["name"].replace("-", "_"), (DesignedStepForm,), attributes
    )
