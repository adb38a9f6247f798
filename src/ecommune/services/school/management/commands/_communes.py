"""Finding the commune a command works for, from what an IT team has at hand."""

from django.core.management.base import CommandError
from django.db.models import Q

from ecommune.core.models import Commune


def find_commune(value: str) -> Commune:
    """A commune by id, INSEE code, host name (commune-a.test) or name."""
    value = value.strip()
    query = Q(insee_code__iexact=value) | Q(site__hostname__iexact=value) | Q(name__iexact=value)
    if value.isdigit():
        query |= Q(pk=int(value))
    found = list(Commune.objects.filter(query)[:2])
    if len(found) != 1:
        raise CommandError(f"No single commune matches {value!r} (id, INSEE code, host or name).")
    return found[0]
