"""French phone numbers: one module for how the kit reads, checks and writes them.

Residents type numbers every way (``06 12 34 56 78``, ``06.12.34.56.78``, ``+33 6…``,
``0033 6…``); the kit keeps what they typed, checks it here, shows it the French way
(``format_french_phone``), dials it through a ``tel:`` link (``tel_uri``) and sends SMS
to the international form (``to_e164``). Messages are English source strings, French in
the catalogue.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A French number, national (0X XX XX XX XX) or international (+33 X XX XX XX XX).
PHONE_RE = re.compile(r"^(?:\+33|0033|0)[1-9](?:\d{8})$")

# A French mobile: 06 or 07 in metropolitan France (the overseas departments' mobiles,
# 0639, 069x, are 06 numbers too), written nationally or with +33 / 0033, or with the
# overseas country codes (+262, +269, +590, +594, +596) that their operators also use.
MOBILE_RE = re.compile(r"^(?:(?:\+|00)(?:33|262|269|590|594|596)|0)[67]\d{8}$")

# Mobiles of the overseas departments, written nationally, and their country codes.
OVERSEAS_MOBILE_PREFIXES = {
    "0639": "262",  # Mayotte
    "0690": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0691": "590",
    "0692": "262",  # La Réunion
    "0693": "262",
    "0694": "594",  # Guyane
    "0696": "596",  # Martinique
    "0697": "596",
}


def normalise_phone(value: str) -> str:
    """The number without the spaces, dots, dashes and brackets people write in it."""
    return re.sub(r"[\s.\-()]", "", value or "")


def validate_french_phone(value: str) -> None:
    if value and not PHONE_RE.match(normalise_phone(value)):
        raise ValidationError(
            _("%(value)s is not a French phone number (such as 02 40 41 00 00)."),
            code="invalid_phone",
            params={"value": value},
        )


def validate_french_mobile(value: str) -> None:
    if value and not MOBILE_RE.match(normalise_phone(value)):
        raise ValidationError(
            _("%(value)s is not a French mobile number (such as 06 12 34 56 78)."),
            code="invalid_mobile",
            params={"value": value},
        )


def format_french_phone(value: str) -> str:
    """'0240410000' or '+33240410000' → '02 40 41 00 00', the French way of writing it."""
    digits = normalise_phone(value)
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    elif digits.startswith("0033"):
        digits = "0" + digits[4:]
    if len(digits) != 10 or not digits.isdigit():
        return value
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def tel_uri(value: str) -> str:
    """The ``tel:`` link of a number as written: '02 40 41 00 00' → 'tel:0240410000'."""
    digits = normalise_phone(value)
    return f"tel:{digits}" if digits else ""


def to_e164(phone: str) -> str:
    """A French mobile number in the international form: '06 12 34 56 78' → '+33612345678'.

    Raises ValidationError for anything that is not a French mobile number (a landline
    receives no SMS). The overseas departments' mobiles get their own country code.
    """
    validate_french_mobile(phone)
    digits = normalise_phone(phone)
    if not digits:
        raise ValidationError(_("A mobile number is required."), code="required")
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("+"):
        return digits
    country = OVERSEAS_MOBILE_PREFIXES.get(digits[:4], "33")
    return f"+{country}{digits[1:]}"
