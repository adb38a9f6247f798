"""Residents' documents: checked on upload, stored privately, reused, purged when due.

A file is judged by its content, not its name: an executable renamed ``.pdf``
is refused. Only PDF, JPEG and PNG are accepted, up to
``ECOMMUNE_UPLOAD_MAX_BYTES``. A document stays in its owner's document space
to be attached to a later request of the same commune instead of uploaded again,
until its kind's retention period (``ECOMMUNE_DOCUMENT_RETENTION_DAYS``) ends; then
``manage.py ecommune_purge_documents`` deletes the file and the row (and the files
of wizards left unfinished for a day, ``wizard_files``).

Every view that gives a document back goes through ``serve_document``: the type and the
name's extension come from the file's content (a PDF/HTML polyglot sent as ``scan.html``
is served as ``scan.pdf``, ``application/pdf``), never from the name the resident gave,
whose control and bidirectional characters are removed (``clean_name``).
"""

import datetime
import hashlib
import unicodedata

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from ecommune.core.tenancy import each_commune

ACCEPTED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
UNKNOWN_TYPE = "application/octet-stream"


def clean_name(name: str) -> str:
    """``name`` without control, format (the bidirectional overrides U+202A–U+202E,
    U+2066–U+2069, the marks U+200E/U+200F), private-use or unassigned characters, nor line
    and paragraph separators: a name that reads ``cni.pdf`` but is ``cni<U+202E>fdp.exe``
    can no longer fool an agent."""
    kept = (
        char
        for char in str(name)
        if unicodedata.category(char)[0] != "C" and unicodedata.category(char) not in ("Zl", "Zp")
    )
    return " ".join("".join(kept).split())


def served_name(name: str, mime: str) -> str:
    """The file name a document is served under: the resident's name, cleaned, with the
    extension of the detected type in place of theirs."""
    stem = clean_name(name).replace("/", " ").replace("\\", " ")
    if "." in stem.lstrip("."):
        stem = stem.rsplit(".", 1)[0]
    stem = stem.strip(" .") or _("document")
    return f"{stem}.{ACCEPTED_TYPES.get(mime, 'bin')}"


def serve_document(document, *, as_attachment: bool = True) -> FileResponse:
    """The response that gives ``document``'s file: its type read from its content again,
    the name's extension following it, ``nosniff`` so that no browser guesses otherwise."""
    handle = document.file.open("rb")
    mime = detect_type(handle)
    if mime not in ACCEPTED_TYPES:
        mime = UNKNOWN_TYPE
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=served_name(document.original_name, mime),
        content_type=mime,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
    """Check and keep an uploaded file; the same file given twice by one owner to one
    commune is kept once. Given to another commune, it is another document: a commune
    never sees, keeps or purges a row of another."""
    from ecommune.requests.models import Document

    mime = check_upload(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    if owner is not None:
        existing = (
            Document.objects.for_commune(commune)
            .filter(owner=owner, sha256=sha256, kind=kind)
            .first()
        )
        if existing is not None:
            existing.expires_at = retention_until(kind)
            existing.save(update_fields=["expires_at"])
            return existing
    uploaded.seek(0)
    original_name = clean_name(uploaded.name)[:200] or _("document")
    document = Document(
        commune=commune,
        owner=owner,
        kind=kind,
        title=clean_name(title)[:200] if title else original_name,
        original_name=original_name,
        content_type=mime,
        size=uploaded.size,
        sha256=sha256,
        expires_at=retention_until(kind),
    )
    # One folder per commune: a commune's files never share a name with another's.
    name = f"{commune.pk}/{sha256[:2]}/{sha256}.{ACCEPTED_TYPES[mime]}"
    document.file.save(name, uploaded, save=False)
    document.save()
    return document


def purge_expired_documents(now: datetime.datetime | None = None) -> int:
    """Delete the documents' files and rows whose retention period is over; returns how
    many. The wizards' abandoned files are ``wizard_files.purge_abandoned_files``."""
    from ecommune.requests.models import Document

    count = 0
    for _commune in each_commune():
        for document in Document.objects.filter(expires_at__lte=now or timezone.now()).iterator():
            storage, name = document.file.storage, document.file.name
            document.delete()
            # Files stored before the per-commune folders are named by their digest alone
            # and may serve another commune's row: only an unused file goes.
            if name and not Document.unscoped.filter(file=name).exists():
                storage.delete(name)
            count += 1
    return count
