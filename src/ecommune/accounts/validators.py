"""Validators for what residents type about themselves."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ecommune.core.validators import normalise_phone

# A French mobile: 06 or 07 in metropolitan France (the overseas departments' mobiles,
# 0639, 069x, are 06 numbers too), written nationally or with +33 / 0033, or with the
# overseas country codes (+262, +269, +590, +594, +596) that their operators also use.
MOBILE_RE = re.compile(r"^(?:(?:\+|00)(?:33|262|269|590|594|596)|0)[67]\d{8}$")


def validate_french_mobile(value: str) -> None:
    if value and not MOBILE_RE.match(normalise_phone(value)):
        raise ValidationError(
            _("%(value)s is not a French mobile number (such as 06 12 34 56 78)."),
            code="invalid_mobile",
            params={"value": value},
        )
