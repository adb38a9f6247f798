"""Dates read from addresses and forms, kept within years the kit can compute with.

Python's dates end at years 1 and 9999: the week around 9999-12-31, the day after it, or
0001-01-01 moved to another time zone overflow, and the page answered a server error.
Every date read from a query string goes through ``date_from_query``, every date form field
of the kit is a ``DateField`` from here: a year outside ``MIN_YEAR``–``MAX_YEAR`` is no date
for the first and an error next to the field for the second.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Old enough for a civil-status certificate of the 19th century, far enough for any plan.
MIN_YEAR = 1800
MAX_YEAR = 2200


def in_range(day: datetime.date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def parse_date(value) -> datetime.date | None:
    """``YYYY-MM-DD`` as a date, or None when it is no date or its year is out of range."""
    try:
        day = datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        return None
    return day if in_range(day) else None


def date_from_query(request, name: str, default: datetime.date | None = None):
    """The date a query parameter (``?jour=2026-11-30``) names, else ``default``."""
    return parse_date(request.GET.get(name)) or default


def validate_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(min)s and %(max)s."),
            code="year_range",
            params={"min": MIN_YEAR, "max": MAX_YEAR},
        )


def validate_year_range(value: datetime.date) -> None:
    if value is not None:
        validate_year(value.year)


class DateField(forms.DateField):
    """Django's date field, refusing years outside ``MIN_YEAR``–``MAX_YEAR``."""

    default_validators = [validate_year_range]
