"""Filing a request: one function for the web wizard, the agents' intake, the API and the
tests.

``file_request`` creates the request, saves the service's data from its answers by step
(``Service.save``), keeps the documents given or chosen, runs the service's
``after_filing`` and queues the acknowledgment once all of it exists, in one transaction:
either the whole request is filed or nothing is, and the acknowledgment leaves only after
the commit (the outbox). The same ``submission_key`` twice files once.
"""

import uuid
from dataclasses import dataclass, field

from django.db import transaction

from ecommune.requests import documents as document_store
from ecommune.requests import notify
from ecommune.requests.models import Channel, EventKind, Request, RequestEvent
from ecommune.requests.services import Applicant, Beneficiary, submit_request

__all__ = ["Applicant", "Beneficiary", "Upload", "file_request"]


@dataclass(frozen=True)
class Upload:
    """A file given with the request: its kind (``DocumentKind``) and the uploaded file."""

    kind: str
    file: object


@dataclass
class Documents:
    """The documents of a request: new files, and documents reused from the space."""

    uploads: list[Upload] = field(default_factory=list)
    reused: list = field(default_factory=list)


def file_request(
    *,
    commune,
    service,
    applicant: Applicant,
    data: dict | None = None,
    beneficiary: Beneficiary | None = None,
    documents: Documents | None = None,
    channel: str = Channel.WEB,
    actor=None,
    submission_key: uuid.UUID | None = None,
    note: str = "",
) -> tuple[Request, bool]:
    """File a request of ``service`` for ``commune`` with its answers ``data`` ({step:
    {field: value}}); returns the request and whether it is new. ``actor`` is the agent
    who files it for the resident (intake by phone, at the counter, by post: ``channel``);
    ``note`` goes on the history for agents."""
    data = data or {}
    documents = documents or Documents()
    owner = applicant.user
    with transaction.atomic():
        filed, created = submit_request(
            commune=commune,
            service=service,
            applicant=applicant,
            beneficiary=beneficiary,
            channel=channel,
            submission_key=submission_key,
            actor=actor,
            acknowledge=False,
        )
        if not created:
            return filed, False
        service.save(filed, data)
        for upload in documents.uploads:
            document = document_store.store_document(
                uploaded=upload.file, kind=upload.kind, commune=commune, owner=owner
            )
            document.requests.add(filed)
        for document in documents.reused:
            document.requests.add(filed)
        if note:
            RequestEvent.objects.create(
                commune=commune,
                request=filed,
                kind=EventKind.NOTE,
                channel=channel,
                actor=actor,
                text=note,
                visible_to_resident=False,
            )
        service.after_filing(filed, data)
        notify.acknowledge(filed)
    return filed, True
