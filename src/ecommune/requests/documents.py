"""Residents' documents: checked on upload, stored privately, reused, purged when due.

A file is judged by its content, not its name: an executable renamed ``.pdf``
is refused. Only PDF, JPEG and PNG are accepted, up to
``ECOMMUNE_UPLOAD_MAX_BYTES``. A document stays in its owner's document space
to be attached to a later request instead of uploaded again, until its kind's
retention period (``ECOMMUNE_DOCUMENT_RETENTION_DAYS``) ends; then
``manage.py ecommune_purge_documents`` deletes the file and the row.
"""

import datetime
import hashlib

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

ACCEPTED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def detect_type(uploaded) -> str | None:
    """The MIME type read from the file's first bytes, or None when unknown."""
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(position)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_upload(uploaded) -> str:
    """Refuse what is too large or not a PDF, JPEG or PNG by content; returns the MIME type."""
    limit = settings.ECOMMUNE_UPLOAD_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("This file weighs %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("This file is empty."), code="empty")
    mime = detect_type(uploaded)
    if mime not in ACCEPTED_TYPES:
        raise ValidationError(
            _("This file is not a PDF, JPEG or PNG document (whatever its name says)."),
            code="type",
        )
    return mime


def retention_until(kind: str, start: datetime.datetime | None = None) -> datetime.datetime:
    days = settings.ECOMMUNE_DOCUMENT_RETENTION_DAYS.get(
        kind, settings.ECOMMUNE_DOCUMENT_RETENTION_DAYS["other"]
    )
    return (start or timezone.now()) + datetime.timedelta(days=days)


@transaction.atomic
def store_document(*, uploaded, kind: str, commune, owner=None, title: str = ""):
    """Check and keep an uploaded file; the same file uploaded twice by one owner is kept once."""
    from ecommune.requests.models import Document

    mime = check_upload(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    if owner is not None:
        existing = Document.unscoped.filter(owner=owner, sha256=sha256, kind=kind).first()
        if existing is not None:
            existing.expires_at = retention_until(kind)
            existing.save(update_fields=["expires_at"])
            return existing
    uploaded.seek(0)
    document = Document(
        commune=commune,
        owner=owner,
        kind=kind,
        title=title or uploaded.name[:200],
        original_name=uploaded.name[:200],
        content_type=mime,
        size=uploaded.size,
        sha256=sha256,
        expires_at=retention_until(kind),
    )
    document.file.save(f"{sha256[:2]}/{sha256}.{ACCEPTED_TYPES[mime]}", uploaded, save=False)
    document.save()
    return document


def purge_expired_documents(now: datetime.datetime | None = None) -> int:
    """Delete the files and rows whose retention period is over; returns how many."""
    from ecommune.requests.models import Document

    count = 0
    for document in Document.unscoped.filter(expires_at__lte=now or timezone.now()).iterator():
        storage, name = document.file.storage, document.file.name
        document.delete()
        if name and not Document.unscoped.filter(file=name).exists():
            storage.delete(name)
        count += 1
    return count
