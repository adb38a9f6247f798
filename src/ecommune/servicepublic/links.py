"""Which service-public.fr fiches go with which online service.

A service may declare ``servicepublic_fiches = ("F1427", …)`` on its class; the kit's own
services are listed here instead, so that no service needs editing for the co-branding.
"""


def fiches_of(service) -> tuple[str, ...]:
    """The fiche identifiers a service class declares (``Service.servicepublic_fiches``)."""
    return tuple(service.servicepublic_fiches)


def services_for_fiche(commune, publication_id: str) -> list:
    """The commune's enabled services that the fiche ``publication_id`` is about."""
    if commune is None:
        return []
    return [service for service in commune.services() if publication_id in fiches_of(service)]
