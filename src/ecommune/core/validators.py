"""Validators for French administrative identifiers and the commune's colours (phone
numbers: ``ecommune.core.phones``).

Messages are in English source strings, translated to French by the catalogue.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Department 01–19, 21–95 (20 became 2A/2B in 1976), Corsica 2A/2B, overseas 971–976,
# overseas collectivities 975, 977, 978, 984–988.
INSEE_CODE_RE = re.compile(
    r"^(?:(?:0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5])\d{3}|2[AB]\d{3}|97[1-8]\d{2}|98[4-8]\d{2})$"
)
POSTAL_CODE_RE = re.compile(r"^(?:0[1-9]|[1-9]\d)\d{3}$")
HEX_COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


def validate_insee_code(value: str) -> None:
    if not INSEE_CODE_RE.match(value or ""):
        raise ValidationError(
            _("%(value)s is not a commune INSEE code: five characters, such as 75056 or 2A004."),
            code="invalid_insee_code",
            params={"value": value},
        )


def validate_postal_code(value: str) -> None:
    if not POSTAL_CODE_RE.match(value or ""):
        raise ValidationError(
            _("%(value)s is not a French postal code (five digits, such as 44000)."),
            code="invalid_postal_code",
            params={"value": value},
        )


def validate_postal_codes(value: str) -> None:
    """A comma-separated list of postal codes, as a commune may have several."""
    codes = split_postal_codes(value)
    if not codes:
        raise ValidationError(_("Give at least one postal code."), code="required")
    for code in codes:
        validate_postal_code(code)


def split_postal_codes(value: str) -> list[str]:
    return [code.strip() for code in (value or "").replace(";", ",").split(",") if code.strip()]


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour such as '#1f4e8c'."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def validate_main_colour(value: str) -> None:
    """The main colour carries white text and is used for links on white: WCAG AA, 4.5:1."""
    if not HEX_COLOUR_RE.match(value or ""):
        raise ValidationError(
            _("%(value)s is not a colour in the #RRGGBB form."),
            code="invalid_colour",
            params={"value": value},
        )
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < 4.5:
        raise ValidationError(
            _(
                "The colour %(value)s is too light: its contrast with white is %(ratio)s:1, "
                "the accessibility rules (RGAA, WCAG AA) ask for at least 4.5:1. "
                "Choose a darker shade."
            ),
            code="low_contrast",
            params={"value": value, "ratio": f"{ratio:.2f}".replace(".", ",")},
        )


def validate_language_list(value: str) -> None:
    """Codes of ``LANGUAGES`` other than the site's own, separated by commas."""
    from django.conf import settings

    known = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    for code in (part.strip() for part in value.split(",")):
        if code and code not in known:
            raise ValidationError(
                _("« %(code)s » is not a language of this site (known: %(known)s)."),
                params={"code": code, "known": ", ".join(sorted(known)) or "—"},
            )


#: An origin as a Content Security Policy source names it: http or https, a host name (or
#: an IPv4 address), an optional port; no path, no wildcard, no user.
ORIGIN_RE = re.compile(
    r"^https?://"
    r"(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
    r"(?::(?:[1-9]\d{0,4}))?$"
)
#: The most origins a commune may allow to embed its widgets.
MAX_EMBEDDING_ORIGINS = 20


def split_origins(value: str) -> list[str]:
    """The origins of a list written one a line (or separated by spaces or commas),
    lower-cased, each once, in the order given."""
    found: list[str] = []
    for part in re.split(r"[\s,;]+", value or ""):
        origin = part.strip().lower()
        if origin and origin not in found:
            found.append(origin)
    return found


def validate_origins(value: str) -> None:
    """Origins allowed to embed the commune's widgets: ``https://www.example.org`` or
    ``http://127.0.0.1:8001``, one a line, never a path, a wildcard or a quote."""
    origins = split_origins(value)
    for origin in origins:
        port = origin.rsplit(":", 1)[-1] if origin.count(":") == 2 else ""
        if not ORIGIN_RE.match(origin) or (port and int(port) > 65535):
            raise ValidationError(
                _(
                    "« %(value)s » is not an origin: write it as https://www.example.org "
                    "(http or https, a host name, an optional port), without a path or a "
                    "final slash."
                ),
                code="invalid_origin",
                params={"value": origin[:100]},
            )
    if len(origins) > MAX_EMBEDDING_ORIGINS:
        raise ValidationError(
            _("Give at most %(max)s origins."),
            code="too_many_origins",
            params={"max": MAX_EMBEDDING_ORIGINS},
        )


# What French operators show as an SMS's sender: 3 to 11 letters without accents or
# digits, at least one letter (a name made of digits only would look like a number).
SMS_SENDER_RE = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{3,11}$")


def validate_sms_sender(value: str) -> None:
    if value and not SMS_SENDER_RE.match(value):
        raise ValidationError(
            _(
                "%(value)s cannot be an SMS sender: 3 to 11 letters without accents or digits, "
                "at least one letter, no spaces (such as MAIRIE or StHerblain)."
            ),
            code="invalid_sms_sender",
            params={"value": value},
        )
