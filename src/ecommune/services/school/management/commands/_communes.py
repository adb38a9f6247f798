"""Finding the commune a command works for, from what an IT team has at hand."""

from contextlib import contextmanager

from django.db.models import Q

from ecommune.core import tenancy
from ecommune.core.command_arguments import bad_input, shown
from ecommune.core.models import Commune


def find_commune(value: str) -> Commune:
    """A commune by id, INSEE code, host name (commune-a.test) or name."""
    value = value.strip()
    query = Q(insee_code__iexact=value) | Q(site__hostname__iexact=value) | Q(name__iexact=value)
    if value.isdigit():
        query |= Q(pk=int(value))
    found = list(Commune.objects.filter(query)[:2])
    if len(found) != 1:
        raise bad_input(f"No single commune matches {shown(value)} (id, INSEE code, host or name).")
    return found[0]


@contextmanager
def selected(value: str):
    """The commune ``value`` names, current for the block."""
    commune = find_commune(value)
    with tenancy.using(commune):
        yield commune


def each(value: str | None = None):
    """The commune ``value`` names, or every commune, each current in turn."""
    if value:
        with selected(value) as commune:
            yield commune
    else:
        yield from tenancy.each_commune()
