"""The service registry: every online procedure of the kit registers here.

A service is a ``Service`` subclass (see ``ecommune.core.services``) in its own
package under ``ecommune.services`` or in a third-party package; it registers
with ``@registry.register``. Communes enable services by slug, stored as a
validated string so that adding a service never needs a migration.
"""

from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


class DuplicateService(Exception):
    """Two services claimed the same slug; refused at import time."""


class Registry:
    def __init__(self):
        self._services: dict[str, type] = {}

    def register(self, service_class: type) -> type:
        """Class decorator: ``@registry.register`` on a ``Service`` subclass."""
        slug = service_class.slug
        if not slug:
            raise ValueError(f"{service_class.__name__} has no slug.")
        existing = self._services.get(slug)
        if existing is not None and existing is not service_class:
            raise DuplicateService(
                f"The service slug {slug!r} is taken by {existing.__module__}.{existing.__name__}."
            )
        self._services[slug] = service_class
        return service_class

    def unregister(self, slug: str) -> None:
        self._services.pop(slug, None)

    def get(self, slug: str):
        return self._services[slug]

    def __contains__(self, slug: str) -> bool:
        return slug in self._services

    def __iter__(self) -> Iterator[type]:
        return iter(sorted(self._services.values(), key=lambda s: (s.order, str(s.title))))

    def __len__(self) -> int:
        return len(self._services)

    def choices(self) -> list[tuple[str, str]]:
        return [(service.slug, service.title) for service in self]


registry = Registry()


@deconstructible
class RegisteredServiceValidator:
    """Every slug in the value (one slug, or a list of them) names a registered service."""

    def __call__(self, value):
        slugs = [value] if isinstance(value, str) else value or []
        unknown = [slug for slug in slugs if slug not in registry]
        if unknown:
            raise ValidationError(
                _("Unknown service: %(slugs)s."),
                code="unknown_service",
                params={"slugs": ", ".join(unknown)},
            )

    def __eq__(self, other):
        return isinstance(other, RegisteredServiceValidator)
