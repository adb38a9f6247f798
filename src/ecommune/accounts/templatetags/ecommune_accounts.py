"""Template helpers of the account pages."""

from django import template
from django.forms.forms import NON_FIELD_ERRORS

register = template.Library()


@register.filter
def field_error_count(form) -> int:
    """How many fields of ``form`` have an error (its non-field errors not counted)."""
    return sum(1 for name in form.errors if name != NON_FIELD_ERRORS)


@register.filter
def minutes(delta) -> int:
    """A ``timedelta`` in whole minutes (at least one)."""
    if not delta:
        return 0
    return max(1, int(delta.total_seconds() // 60))


@register.filter
def phone_fr(value) -> str:
    """A phone number as the French write it: « 06 12 34 56 78 »."""
    from ecommune.core.phones import format_french_phone

    return format_french_phone(value or "")
