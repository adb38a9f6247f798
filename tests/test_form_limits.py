"""Every form of the kit bounds what it accepts by what its columns hold (issue 13, class 8).

The probe typed a 295-character email: the step accepted it (Django's EmailField allows
320), the request's column holds 254, and PostgreSQL refused the row at the very end — a
server error, the whole form lost. Here, over every Form and ModelForm class the kit defines
(the wizards' steps included):

- every text field has a ``max_length`` (a password excepted: it is hashed, never stored);
- a ModelForm's text field is no longer than its model column (one on a text column
  without a limit may have none: there is nothing to overflow);
- a plain form's text field is no longer than the column of the same name in its
  application's models (``email`` → ``Request.applicant_email``: the exact name first, else
  a column ending in ``_<name>``), except the few listed below, which are saved elsewhere;
- every date field refuses years the kit cannot compute with, every whole-number field has
  bounds, a lowest and a highest value or a number of digits (a year 9999 or a number of 25
  digits gave server errors);

and one wizard walked end to end with a 300-character email: an error next to the field,
what was typed kept, no server error.
"""

import datetime

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from ecommune.core.dates import validate_year_range
from ecommune.core.registry import registry
from tests.hostile import kit_form_classes
from tests.services.helpers import APPLICANT, post_step, private_storage  # noqa: F401

#: Fields whose value, as typed, never goes into the same-named column of their app.
NOT_SAVED_AS_TYPED = {
    # Looked up, never saved: the reference is normalised (spaces, dashes) before the lookup.
    "ecommune.requests.forms.TrackForm.reference",
    # The agent's reason goes into the request's outcome (a text column) and its history.
    "ecommune.services.civil_status.admin_views.ActionForm.reason",
    # Typed with spaces (« 214 401 093 00015 »), saved as its 14 digits (clean_siret).
    "ecommune.services.school.billing_admin.InvoicingSettingsForm.siret",
}


def all_forms() -> list[type]:
    found = set(kit_form_classes())
    for service in registry:
        found |= {form for _step, form in service.form_steps()}
    return sorted(found, key=lambda form: (form.__module__, form.__qualname__))


def text_fields(form):
    for name, field in form.base_fields.items():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            yield name, field


def model_of(form):
    meta = getattr(form, "_meta", None)
    return getattr(meta, "model", None)


def app_columns(form) -> list[models.CharField]:
    app = apps.get_containing_app_config(form.__module__)
    return [
        field
        for model in app.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField) and field.max_length
    ]


def columns_for(name, columns) -> list[models.CharField]:
    exact = [column for column in columns if column.name == name]
    return exact or [column for column in columns if column.name.endswith(f"_{name}")]


def model_column(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def is_unbounded_text(column) -> bool:
    """A ModelForm's field on a text column without a limit: nothing there to overflow."""
    return isinstance(column, models.TextField) and column.max_length is None


def label(form, name="") -> str:
    return f"{form.__module__}.{form.__qualname__}" + (f".{name}" if name else "")


def test_every_text_field_of_every_form_fits_its_column():
    checked_forms, checked_fields, problems = 0, 0, []
    for form in all_forms():
        checked_forms += 1
        model = model_of(form)
        columns = [] if model else app_columns(form)
        for name, field in text_fields(form):
            checked_fields += 1
            where = label(form, name)
            column = model_column(model, name)
            if field.max_length is None and not is_unbounded_text(column):
                problems.append(f"{where}: no max_length")
                continue
            if where in NOT_SAVED_AS_TYPED:
                targets = []
            elif model is not None:
                targets = [column] if column is not None else []
            else:
                targets = columns_for(name, columns)
            for column in targets:
                if getattr(column, "max_length", None) and field.max_length > column.max_length:
                    problems.append(
                        f"{where}: max_length {field.max_length} > "
                        f"{column.model.__name__}.{column.name} ({column.max_length})"
                    )
    print(f"\n{checked_forms} forms, {checked_fields} text fields checked")
    assert checked_forms >= 50
    assert not problems, "\n".join(problems)


def test_every_date_and_number_field_is_bounded():
    problems = []
    for form in all_forms():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField) and validate_year_range not in field.validators:
                problems.append(f"{label(form, name)}: a date field without a year range")
            if isinstance(field, forms.IntegerField) and model_of(form) is None:
                top = field.max_value is not None or getattr(field, "max_digits", None)
                if field.min_value is None or not top:
                    problems.append(f"{label(form, name)}: a number without bounds")
    assert not problems, "\n".join(problems)


def test_the_year_range_is_an_error_next_to_the_field():
    from ecommune.payments.forms import PeriodForm

    form = PeriodForm({"start": "0001-01-01", "end": "9999-12-31"})
    assert not form.is_valid()
    assert set(form.errors) == {"start", "end"}
    assert PeriodForm({"start": "2026-01-01", "end": "2026-01-31"}).is_valid()
    assert form.fields["start"].clean("2026-02-28") == datetime.date(2026, 2, 28)


@pytest.mark.django_db
def test_a_300_character_email_is_an_error_on_the_step_and_nothing_is_lost(
    client,
    commune,
    private_storage,  # noqa: F811
):
    commune.enabled_services = ["contact"]
    commune.save()
    email = "a" * 288 + "@example.org"
    assert len(email) == 300
    response = post_step(client, "contact", "applicant", {**APPLICANT, "email": email})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["email"]
    html = response.content.decode()
    assert "254" in str(form.errors["email"])
    # What was typed is shown again: the names, and the email to correct.
    assert APPLICANT["first_name"] in html and APPLICANT["last_name"] in html
    assert email in html
    # Corrected, the wizard goes on and the request is filed.
    assert post_step(client, "contact", "applicant", APPLICANT).status_code == 302
    message = {"topic": "roads", "subject": "Lampadaire", "message": "Éteint depuis lundi."}
    assert post_step(client, "contact", "message", message).status_code == 302
    sent = post_step(client, "contact", "confirm", {"certify": "on"})
    assert sent.status_code == 302
    done = client.get(sent["Location"])
    assert done.status_code in (200, 302)
