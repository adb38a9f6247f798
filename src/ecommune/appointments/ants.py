"""The ANTS pre-demand number (numéro de pré-demande) of an ID card or passport request.

ANTS gives 10 alphanumeric characters (FRENCH-RULES.md); residents copy them with
spaces or in lower case, so the number is normalised before it is checked. The
local rule "one future appointment per number" is enforced by a partial unique
constraint on ``AntsNumber``; ANTS's own anti-duplicate API cannot be reached
here and is left to a client behind an interface.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ANTS_NUMBER = re.compile(r"[0-9A-Z]{10}")


def normalise_ants_number(value: str) -> str:
    return re.sub(r"[\s.-]", "", str(value or "")).upper()


def validate_ants_number(value: str) -> str:
    """The normalised number, or ValidationError with a message for the field."""
    number = normalise_ants_number(value)
    if not ANTS_NUMBER.fullmatch(number):
        raise ValidationError(
            _(
                "A pre-demand number has 10 letters and digits, such as 7A2B9C4D1E: "
                "copy it from your pre-demand receipt."
            ),
            code="ants_format",
        )
    return number
