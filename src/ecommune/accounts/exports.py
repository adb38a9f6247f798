"""What a resident downloads from "Mes données": one JSON document, one section per app.

Each app that keeps personal data adds its section with an exporter, a function that
takes the user and returns something ``json`` can write (dates are written in ISO 8601)::

    from ecommune.accounts.exports import exporters

    @exporters.register("requests")
    def export_requests(user):
        return [{"reference": r.reference, ...} for r in user.requests.all()]

Register from the app's ``AppConfig.ready()`` (or a module it imports) so the section is
there whenever the app is installed. This module writes the ``account`` section itself.
An exporter names the links to the account it reads with ``@covers("app.Model.field")``:
a test walks every foreign key of the kit to the user model and fails on one that no
exporter covers and that is not an agent's (``tests/accounts/test_data_export.py``).
The sections hold the current commune's rows: each commune answers for its own.
It is not the place for what the commune must keep after the account is deleted: that
stays with each app's own retention rules.
"""

from collections.abc import Callable, Iterator
from typing import Any

from django.utils import timezone

from ecommune.core.plugins import Registry

Exporter = Callable[[Any], Any]
FORMAT = "ecommune-user-data/1"


class ExporterRegistry(Registry[Exporter]):
    """Exporters by section name, in the order they registered
    (``ecommune.core.plugins.Registry``); a name is taken once, at import time."""

    def __init__(self):
        super().__init__("user-data exporter", reserved=("format", "generated_at"))

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def export(self, user) -> dict:
        data = {"format": FORMAT, "generated_at": timezone.now()}
        for name, exporter in self.items():
            data[name] = exporter(user)
        return data


exporters = ExporterRegistry()


def covers(*links: str):
    """Declares the links to the account (``"app_label.Model.field"``) an exporter reads."""

    def mark(exporter: Exporter) -> Exporter:
        exporter.covers_links = tuple(links)
        return exporter

    return mark


def own_fields(instance, exclude=()) -> dict:
    """A row's own values (no key of another row, no ``id``, nothing in ``exclude``): what
    the resident reads of it."""
    return {
        field.name: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if not field.is_relation and not field.primary_key and field.name not in exclude
    }


@exporters.register("account")
@covers("ecommune_accounts.AgendaFeed.user", "ecommune_accounts.AgendaReminders.user")
def export_account(user) -> dict:
    from ecommune.accounts.models import AgendaFeed, AgendaReminders

    return {
        **_account(user),
        "agenda_feed_created_at": AgendaFeed.objects.filter(user=user)
        .values_list("created_at", flat=True)
        .first(),
        "agenda_reminders": [own_fields(row) for row in AgendaReminders.objects.filter(user=user)],
    }


def _account(user) -> dict:
    return {
        "email": user.email,
        "email_verified_at": user.email_verified_at,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "street_address": user.street_address,
        "postal_code": user.postal_code,
        "city": user.city,
        "mobile_phone": user.phone,
        "sms_consent": user.sms_consent,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }
