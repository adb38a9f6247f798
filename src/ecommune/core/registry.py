"""The service registry: every online procedure of the kit registers here.

A service is a ``Service`` subclass (see ``ecommune.core.services``) in its own
package under ``ecommune.services`` or in a third-party package; it registers
with ``@registry.register``. Communes enable services by slug, stored as a
validated string so that adding a service never needs a migration.
"""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from ecommune.core.plugins import DuplicatePlugin, Registry

#: Two services claimed the same slug; refused at import time.
DuplicateService = DuplicatePlugin


class ServiceRegistry(Registry):
    """Services by slug, in catalogue order (``ecommune.core.plugins.Registry``).

    Besides the classes registered at import time, *sources* give services that live in
    the database, per commune (``ecommune.procedures``: the procedures a commune designed
    in the back office). A source has ``services()`` (the current commune's, ``[]`` when
    none is selected), ``get(slug)`` (the current commune's service of that slug, or None)
    and ``for_request(request)`` (the class a filed request was filed with, or None). Every
    look-up of the registry (``slug in registry``, ``registry.get``, iteration) sees the
    current commune's sourced services after the coded ones; a coded slug always wins."""

    def __init__(self):
        super().__init__(
            "service",
            key=lambda service: service.slug,
            order=lambda service: (service.order, str(service.title)),
        )
        self._sources: list = []

    def add_source(self, source) -> None:
        if source not in self._sources:
            self._sources.append(source)

    def remove_source(self, source) -> None:
        if source in self._sources:
            self._sources.remove(source)

    def _sourced(self, key: str):
        for source in self._sources:
            found = source.get(key)
            if found is not None:
                return found
        return None

    def get(self, key: str):
        if key in self._items:
            return self._items[key]
        found = self._sourced(key) if isinstance(key, str) else None
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key) -> bool:
        return key in self._items or (isinstance(key, str) and self._sourced(key) is not None)

    def __len__(self) -> int:
        return len(self.items())

    def items(self) -> list:
        found = dict(self._items)
        for source in self._sources:
            for service in source.services():
                found.setdefault(service.slug, service)
        return sorted(found.items(), key=lambda pair: self._order(pair[1]))

    def coded(self) -> list:
        """The services registered by code (no commune's designed procedure)."""
        return sorted(self._items.values(), key=self._order)

    def for_request(self, request):
        """The service class of a filed ``request``: a designed procedure's is the version
        it was filed with, whatever was published since."""
        if request.service in self._items:
            return self._items[request.service]
        cached = request.__dict__.get("_ecommune_service_class")
        if cached is not None:
            return cached
        for source in self._sources:
            found = source.for_request(request)
            if found is not None:
                request.__dict__["_ecommune_service_class"] = found
                return found
        return self.get(request.service)

    def choices(self) -> list[tuple[str, str]]:
        return [(service.slug, service.title) for service in self]


#: The name this registry had before every kind shared ``plugins.Registry``.
Registry = ServiceRegistry

registry = ServiceRegistry()


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


def service_urlpatterns() -> list:
    """The public pages services declare (``Service.urls()``), each under
    ``/<url_prefix or slug>/`` with the namespace ``ecommune_<slug>``: the kit's URLconf
    includes them, so a service's package never edits it."""
    from django.urls import include, path

    patterns = []
    for service in registry:
        urls = service.urls()
        if urls:
            prefix = (service.url_prefix or service.slug).strip("/")
            patterns.append(path(f"{prefix}/", include((urls, f"ecommune_{service.slug}"))))
    return patterns
