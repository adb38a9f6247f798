"""The wizard's steps for a civil-status certificate: which act and who asks, then delivery;
and the registry office's « sent by post » form.

The steps are ModelForms of ``CertificateRequest``: the engine saves their answers, shows
them on the summary and to the agent with these labels. What the law checks stays here.
Everything the law's refusals depend on (act, document, place, relation, dates) is on one
step, because a step's form sees only its own answers; each refusal is a French message
next to the field that causes it, with where to ask instead when this town hall is not
the right one.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ecommune.core.addresses import AddressFields
from ecommune.core.dates import DateField
from ecommune.core.tenancy import get_current_commune
from ecommune.services.civil_status import rules
from ecommune.services.civil_status.models import CertificateRequest
from ecommune.services.civil_status.rules import ActType, Place, Relation

NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$")


def validate_person_name(value: str) -> None:
    """A name or first names: letters, with spaces, hyphens and apostrophes between."""
    if any(character.isdigit() for character in value):
        raise ValidationError(_("A name cannot contain digits."), code="digits")
    if not NAME_RE.match(value.strip()):
        raise ValidationError(
            _("Use letters only, with spaces, hyphens or apostrophes between them."),
            code="characters",
        )


def date_input():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def commune_name() -> str:
    commune = get_current_commune()
    return commune.name if commune else ""


#: The names of people on the act: letters, with spaces, hyphens and apostrophes between.
PERSON_NAMES = (
    "last_name",
    "first_names",
    "spouse_last_name",
    "spouse_first_names",
    "parent1_name",
    "parent2_name",
)
RADIO = forms.RadioSelect


def required_choice_without_blank(model_field, **kwargs):
    """A required choice lists only its choices, without Django's « --------- »: a radio
    button stays unticked until the resident ticks one."""
    if model_field.choices and not model_field.blank:
        kwargs.setdefault("initial", None)
    return model_field.formfield(**kwargs)


class CertificateForm(forms.ModelForm):
    """The act and who asks: the ``CertificateRequest`` fields the engine saves, and three
    answers that are not the act's, read by the rules and by ``after_filing``."""

    template_name = "ecommune_civil_status/forms/certificate.html"

    other_commune = forms.CharField(
        label=_("Commune where the event took place (if not here)"),
        max_length=120,
        required=False,
    )
    emancipated = forms.BooleanField(
        label=_(
            "I am the person named in the birth act, under 18 and emancipated (by a judge or "
            "by marriage)"
        ),
        required=False,
        help_text=_("The registry office checks it."),
    )
    professional_reference = forms.CharField(
        label=_("Notary or lawyer: your office and the client you act for"),
        max_length=300,
        required=False,
        help_text=_("The registry office checks it before sending the act."),
    )

    class Meta:
        model = CertificateRequest
        # In the order of the page; the three fields above are the form's own.
        fields = [
            "act_type",
            "document",
            "place",
            "other_commune",
            "relation",
            "emancipated",
            "professional_reference",
            "last_name",
            "first_names",
            "event_date",
            "spouse_last_name",
            "spouse_first_names",
            "parent1_name",
            "parent2_name",
            "death_date",
        ]
        formfield_callback = required_choice_without_blank
        field_classes = {"event_date": DateField, "death_date": DateField}
        widgets = {
            "act_type": RADIO,
            "document": RADIO,
            "place": RADIO,
            "event_date": date_input(),
            "death_date": date_input(),
        }
        labels = {
            "act_type": _("Which act?"),
            "document": _("Which document?"),
            "place": _("Where did the event take place?"),
            "relation": _("Your relation to the person named in the act"),
            "last_name": _("Last name of the person named in the act"),
            "first_names": _("First names of the person named in the act"),
            "event_date": _("Date of the event"),
            "spouse_last_name": _("Marriage: last name of the other spouse"),
            "spouse_first_names": _("Marriage: first names of the other spouse"),
            "parent1_name": _("First parent: last name and first names"),
            "parent2_name": _("Second parent: last name and first names (if any)"),
            "death_date": _("If the person named in the act has died: date of death (optional)"),
        }
        help_texts = {
            "document": _(
                "A full copy reproduces the whole act with its margin notes; an extract with "
                "parentage gives the parents; an extract without parentage does not."
            ),
            "last_name": _("Name at birth; for a marriage, one of the spouses."),
            "parent1_name": _("Required for a full copy or an extract with parentage."),
            "death_date": _(
                "An act becomes open to anyone 25 years after the death of its person."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PERSON_NAMES:
            self.fields[name].validators.append(validate_person_name)

    def clean_event_date(self):
        return _check_past_date(self.cleaned_data["event_date"], event=True)

    def clean_death_date(self):
        death_date = self.cleaned_data.get("death_date")
        return _check_past_date(death_date, event=False) if death_date else death_date

    def clean(self):
        cleaned = super().clean()
        act_type, document = cleaned.get("act_type"), cleaned.get("document")
        if act_type and document and not rules.document_exists(act_type, document):
            self.add_error(
                "document",
                _("A death act is delivered only as a full copy or a multilingual extract."),
            )
        self._check_place(cleaned)
        self._check_entitlement(cleaned)
        if cleaned.get("relation") == Relation.PROFESSIONAL and not cleaned.get(
            "professional_reference"
        ):
            self.add_error(
                "professional_reference",
                _("Give your office and your client: only a professional entitled by law may ask."),
            )
        if act_type == ActType.MARRIAGE:
            for name in ("spouse_last_name", "spouse_first_names"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Required for a marriage act."))
        if (
            document in rules.DOCUMENTS_NEEDING_PARENTS
            and not cleaned.get("parent1_name")
            and "parent1_name" not in self.errors
        ):
            self.add_error(
                "parent1_name",
                _("Required for a full copy or an extract with parentage: it finds the act."),
            )
        event_date, death_date = cleaned.get("event_date"), cleaned.get("death_date")
        if (
            act_type == ActType.BIRTH
            and event_date
            and death_date
            and death_date < event_date
            and "death_date" not in self.errors
        ):
            self.add_error("death_date", _("The date of death is before the date of birth."))
        return cleaned

    def _check_place(self, cleaned):
        place, act_type = cleaned.get("place"), cleaned.get("act_type")
        if not place or not act_type or rules.is_competent(place, act_type):
            return
        name = commune_name()
        if place == Place.ABROAD:
            self.add_error(
                "place",
                ValidationError(
                    format_html(
                        '{} <a href="{}">{}</a> {}',
                        _(
                            "The acts of French people born, married or deceased abroad are "
                            "kept by the Service central d'état civil in Nantes, not by the "
                            "town hall. Ask it online:"
                        ),
                        rules.SCEC_URL,
                        _("request a civil-status act from the Service central d'état civil"),
                        _("or by post: %(address)s.") % {"address": rules.SCEC_ADDRESS},
                    ),
                    code="abroad",
                ),
            )
        elif place == Place.LAST_DOMICILE:
            self.add_error(
                "place",
                _(
                    "Only a death act is also kept by the commune of the last home. For a "
                    "birth or a marriage, ask the town hall of the commune where it took place."
                ),
            )
        else:
            other = cleaned.get("other_commune") or _("the commune where it took place")
            message = _(
                "%(here)s keeps only the acts of events that took place here: ask the town "
                "hall of %(other)s, which keeps this act. A request sent here would be refused."
            ) % {"here": name, "other": other}
            if act_type == ActType.DEATH:
                message = f"{message} " + str(
                    _(
                        "For a death, you may also ask the town hall of the deceased's last "
                        "home, where the act is transcribed."
                    )
                )
            self.add_error("place", message)

    def _check_entitlement(self, cleaned):
        needed = ("act_type", "document", "relation", "event_date")
        if any(not cleaned.get(name) for name in needed):
            return
        if rules.minor_needs_representative(
            cleaned["act_type"],
            cleaned["document"],
            cleaned["relation"],
            cleaned["event_date"],
            timezone.localdate(),
            cleaned.get("emancipated", False),
        ):
            self.add_error(
                "relation",
                _(
                    "You are under 18: the law gives the person named in a birth act its full "
                    "copy, its extract with parentage or its multilingual extract only once "
                    "they are of age or emancipated (décret n° 2017-890, art. 30 and 31). "
                    "Your parent or legal guardian may ask for it for you; you may ask for an "
                    "extract without parentage yourself."
                ),
            )
            return
        if rules.is_entitled(
            cleaned["act_type"],
            cleaned["document"],
            cleaned["relation"],
            cleaned["event_date"],
            timezone.localdate(),
            cleaned.get("death_date"),
            cleaned.get("emancipated", False),
        ):
            return
        self.add_error(
            "relation",
            _(
                "The law does not allow you to obtain this document: a full copy, an extract "
                "with parentage or a multilingual extract of a birth or marriage act is "
                "delivered only to the person named in it, their spouse or PACS partner, "
                "their ascendants or descendants, their legal representative, or a notary or "
                "lawyer (décret n° 2017-890, art. 30 and 31), unless the act is more than 75 "
                "years old. You may ask for an extract without parentage, which anyone may "
                "obtain."
            ),
        )


def _check_past_date(value, *, event: bool):
    today = timezone.localdate()
    if value > today:
        raise ValidationError(
            _("The date of the event cannot be after today.")
            if event
            else _("The date of death cannot be after today."),
            code="future",
        )
    if value.year < rules.FIRST_REGISTER_YEAR:
        raise ValidationError(
            _(
                "Civil-status registers start in 1792; older parish registers are kept by "
                "the departmental archives."
            ),
            code="too_old",
        )
    return value


class DeliveryForm(forms.ModelForm):
    """Where to post the act: ``CertificateRequest`` fields, saved by the engine."""

    address_fields = AddressFields("street_address", "postal_code", "city")

    template_name = "ecommune_civil_status/forms/delivery.html"

    copies = forms.IntegerField(
        label=_("Number of copies"), min_value=1, max_value=rules.MAX_COPIES, initial=1
    )

    class Meta:
        model = CertificateRequest
        fields = [
            "copies",
            "reason",
            "recipient",
            "street_address",
            "postal_code",
            "city",
            "country",
        ]
        labels = {
            "reason": _("Reason for the request (optional)"),
            "recipient": _("Send to (name on the letter box)"),
            "street_address": _("Number and street"),
            "postal_code": _("Postal code"),
            "city": _("City"),
            "country": _("Country"),
        }
        help_texts = {"reason": _("Such as: passport, marriage file, pension.")}
        widgets = {
            name: forms.TextInput(attrs={"autocomplete": token})
            for name, token in (
                ("recipient", "name"),
                # One line: « street-address » is for a textarea.
                ("street_address", "address-line1"),
                ("postal_code", "postal-code"),
                ("city", "address-level2"),
                ("country", "country-name"),
            )
        }

    def clean(self):
        cleaned = super().clean()
        country = (cleaned.get("country") or "").strip().lower()
        code = (cleaned.get("postal_code") or "").strip()
        if country in {"france", "fr"} and code and not re.fullmatch(r"\d{5}", code):
            self.add_error("postal_code", _("A French postal code has 5 digits, such as 44000."))
        return cleaned


class SentForm(forms.Form):
    """« Sent by post », the registry office's desk action: the date the act was posted."""

    sent_on = DateField(
        label=_("Date of sending"),
        initial=timezone.localdate,
        widget=date_input(),
        error_messages={"required": _("Give the date the act was posted.")},
    )
