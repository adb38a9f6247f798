"""Requests filed in tests the one way the kit files them (``file_request``), without the
wizard: for tests of what happens after filing (the inbox, an agent's action, a message).

``file_request`` and what it takes are re-exported here so that a service's tests import
them from one place::

    from ecommune.testing.filing import Upload, Documents, filed_request

    filed = filed_request(commune, "voirie", {"occupation": {...}},
                          documents=Documents(uploads=[Upload("other", pdf_upload())]))
"""

from ecommune.core import tenancy
from ecommune.core.registry import registry
from ecommune.requests.filing import Documents, Upload, file_request
from ecommune.requests.models import Channel, Request
from ecommune.requests.services import Applicant, Beneficiary

__all__ = [
    "RESIDENT",
    "Applicant",
    "Beneficiary",
    "Channel",
    "Documents",
    "Upload",
    "enable_services",
    "file_request",
    "filed_request",
]

#: The applicant of ``filed_request`` when none is given: a resident filing for themselves.
RESIDENT = Applicant("Camille", "Martin", "camille@example.org")


def enable_services(commune, *slugs: str):
    """Offer ``slugs`` in ``commune`` besides what it offers already; returns the commune."""
    commune.enabled_services = [
        *commune.enabled_services,
        *(s for s in slugs if s not in commune.enabled_services),
    ]
    commune.save()
    return commune


def filed_request(
    commune,
    service,
    data: dict | None = None,
    *,
    applicant: Applicant | None = None,
    beneficiary: Beneficiary | None = None,
    documents: Documents | None = None,
    channel: str = Channel.WEB,
    actor=None,
    **fields,
) -> Request:
    """A request of ``service`` (its class or slug) filed in ``commune`` with its answers
    ``data`` ({step: {field: value}}) through ``file_request``: the service's data saved,
    its documents kept, the acknowledgment queued. ``fields`` then set columns of the
    request that only time or agents change (``status``, ``expected_answer_on``,
    ``assigned_to``…), as a test's starting point. It runs as ``commune``, as the
    commune's own site would file it, whichever commune the test runs as."""
    service = registry.get(service) if isinstance(service, str) else service
    with tenancy.using(commune):
        return _file(
            commune, service, data, applicant, beneficiary, documents, channel, actor, fields
        )


def _file(commune, service, data, applicant, beneficiary, documents, channel, actor, fields):
    filed, _created = file_request(
        commune=commune,
        service=service,
        applicant=applicant or RESIDENT,
        beneficiary=beneficiary,
        data=data,
        documents=documents,
        channel=channel,
        actor=actor,
    )
    if fields:
        Request.objects.filter(pk=filed.pk).update(**fields)
        filed.refresh_from_db()
    return filed
