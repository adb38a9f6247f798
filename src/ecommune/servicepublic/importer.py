"""Importing the DILA « vosdroits » set: a zip, a folder or one XML file.

``F…`` and ``N…`` files become ``Fiche`` rows, ``R…`` files (online services, forms)
``Resource`` rows; a fiche cites its resources by identifier, so the two can arrive in any
order and a resource missing from the set leaves the fiche's own link to it in place.

Incremental: a publication whose file did not change (same SHA-256) is not rewritten;
when a whole set is imported (zip or folder), publications missing from it are
unpublished, not deleted, so a later import brings them back. Publications that cannot be
parsed are logged and counted; they never stop the import. An archive or folder that
cannot be read (not a zip, a damaged member, no publication at all, a file the system
refuses) raises ``UnreadableSource`` and unpublishes nothing.
"""

import hashlib
import logging
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from ecommune.servicepublic.models import Fiche, Resource
from ecommune.servicepublic.parser import (
    FILE_NAME_RE,
    Publication,
    UnreadablePublication,
    parse,
)

logger = logging.getLogger(__name__)
#: Two real publications shipped with the kit, for the demo and the tests.
SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
#: The way publications are rendered and indexed, part of each file's digest: a version
#: that renders or indexes them differently changes it, so the next import (the nightly
#: job) renders and indexes again every publication, changed on service-public.fr or not.
RENDERING = "2026-12: warnings, « Comment faire si », commented links, resources indexed"

#: Publications written and indexed per transaction.
BATCH_SIZE = 200
DILA_URL = "https://lecomarquage.service-public.gouv.fr/donnees_locales_v4/vosdroits-latest.zip"


@dataclass
class ImportReport:
    """Counts over fiches and resources together; ``resources`` is how many of the files
    read were resources, ``links`` how many of the published fiches' citations of a
    resource (``ServiceEnLigne``) lead to a published resource, out of ``citations``."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unpublished: int = 0
    resources: int = 0
    links: int = 0
    citations: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged


class UnreadableSource(Exception):
    """The set cannot be read as a whole: the import stops, nothing is unpublished."""


def _entries(source: Path) -> tuple[list[tuple[str, Callable[[], bytes]]], bool]:
    """(name, reader) of every publication file, and whether it is a whole set."""
    if not source.exists():
        raise FileNotFoundError(source)
    if source.is_dir():
        files = sorted(p for p in source.rglob("*.xml") if FILE_NAME_RE.match(p.name))
        if not files:
            raise UnreadableSource("the folder holds no publication file (F1234.xml, N19810.xml…)")
        return [(p.name, p.read_bytes) for p in files], True
    if zipfile.is_zipfile(source):
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as error:
            raise UnreadableSource(f"damaged zip archive ({error})") from error
        names = sorted(n for n in archive.namelist() if FILE_NAME_RE.match(n.rsplit("/", 1)[-1]))
        if not names:
            raise UnreadableSource(
                "the zip archive holds no publication file (F1234.xml, N19810.xml…)"
            )
        return [(n.rsplit("/", 1)[-1], (lambda n=n: archive.read(n))) for n in names], True
    if source.suffix.lower() == ".zip":
        raise UnreadableSource("not a zip archive (an incomplete or failed download?)")
    return [(source.name, source.read_bytes)], False


def _read(name: str, read: Callable[[], bytes]) -> bytes:
    try:
        return read()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise UnreadableSource(f"{name} cannot be read ({error})") from error


def import_publications(
    source: Path | str,
    *,
    unpublish_missing: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import ``source``; ``unpublish_missing`` defaults to True for a zip or a folder.

    Changed publications are written and indexed for search by batches of ``BATCH_SIZE``,
    in one transaction each (bulk writes, one search-index call): one save and one commit
    per fiche made a 3,000-fiche set take minutes."""
    entries, whole_set = _entries(Path(source))
    if unpublish_missing is None:
        unpublish_missing = whole_set
    report = ImportReport()
    known = dict(Fiche.objects.values_list("publication_id", "content_hash"))
    known.update(Resource.objects.values_list("publication_id", "content_hash"))
    published = set(Fiche.objects.published().values_list("publication_id", flat=True))
    published.update(Resource.objects.published().values_list("publication_id", flat=True))
    seen: set[str] = set()
    republish: list[str] = []
    batch: list[tuple[object, str]] = []
    total = len(entries)
    for number, (name, read) in enumerate(entries, start=1):
        data = _read(name, read)
        digest = hashlib.sha256(RENDERING.encode() + data).hexdigest()
        publication_id = name.removesuffix(".xml")
        if known.get(publication_id) == digest:
            seen.add(publication_id)
            report.unchanged += 1
            report.resources += publication_id.startswith("R")
            if publication_id not in published:
                republish.append(publication_id)
        else:
            try:
                publication = parse(data)
            except UnreadablePublication as error:
                logger.warning("service-public.fr: %s not imported: %s", name, error)
                report.errors.append((name, str(error)))
            else:
                if publication.publication_id not in seen:
                    seen.add(publication.publication_id)
                    batch.append((publication, digest))
        if len(batch) >= BATCH_SIZE:
            _store(batch, report, known)
            batch = []
        if progress is not None:
            progress(number, total)
    if batch:
        _store(batch, report, known)
    if whole_set and report.errors and not seen:
        # Not one publication of the set could be read: unpublishing would empty the site.
        name, reason = report.errors[0]
        raise UnreadableSource(f"no publication could be read ({name}: {reason})")
    if republish:
        for model in (Fiche, Resource):
            model.objects.filter(publication_id__in=republish).update(is_published=True)
    if unpublish_missing:
        report.unpublished = sum(
            model.objects.published().exclude(publication_id__in=seen).update(is_published=False)
            for model in (Fiche, Resource)
        )
    report.citations, report.links = count_links()
    return report


def count_links() -> tuple[int, int]:
    """(citations of a resource by published fiches, those leading to a published one)."""
    resources = set(Resource.objects.published().values_list("publication_id", flat=True))
    citations = links = 0
    for services in Fiche.objects.published().values_list("online_services", flat=True):
        for service in services or []:
            if service.get("id"):
                citations += 1
                links += service["id"] in resources
    return citations, links


STORED_FIELDS = (
    "publication_type",
    "title",
    "description",
    "audience",
    "modified",
    "sp_url",
    "breadcrumb",
    "online_services",
    "local_contact",
    "where",
    "body_html",
    "appendix_html",
    "text",
    "content_hash",
    "is_published",
    "imported_at",
)


RESOURCE_FIELDS = (
    "resource_type",
    "title",
    "description",
    "cerfa",
    "other_number",
    "url",
    "file_format",
    "file_size",
    "source",
    "notices",
    "fiche_ids",
    "where",
    "modified",
    "sp_url",
    "body_html",
    "content_hash",
    "is_published",
    "imported_at",
)


@transaction.atomic
def _store(batch: list, report: ImportReport, known: dict) -> None:
    """Create or rewrite a batch of publications and resources, then index them for
    search."""
    from django.utils import timezone
    from wagtail.search.backends import get_search_backend

    now = timezone.now()
    fiches = []
    resources = []
    for publication, digest in batch:
        if not isinstance(publication, Publication):
            resources.append(
                Resource(
                    publication_id=publication.publication_id,
                    resource_type=publication.resource_type[:120],
                    title=publication.title[:500],
                    description=publication.description,
                    cerfa=publication.cerfa[:40],
                    other_number=publication.other_number[:120],
                    url=publication.url[:1000],
                    file_format=publication.file_format[:120],
                    file_size=publication.file_size[:40],
                    source=publication.source[:300],
                    notices=publication.notices,
                    fiche_ids=publication.fiche_ids,
                    where=publication.where,
                    modified=publication.modified,
                    sp_url=publication.sp_url,
                    body_html=publication.body_html,
                    content_hash=digest,
                    is_published=True,
                    imported_at=now,
                )
            )
            continue
        fiches.append(
            Fiche(
                publication_id=publication.publication_id,
                publication_type=publication.publication_type,
                title=publication.title[:500],
                description=publication.description,
                audience=publication.audience,
                modified=publication.modified,
                sp_url=publication.sp_url,
                breadcrumb=publication.breadcrumb,
                online_services=publication.online_services,
                local_contact=publication.local_contact,
                where=publication.where,
                body_html=publication.body_html,
                appendix_html=publication.appendix_html,
                text=publication.text,
                content_hash=digest,
                is_published=True,
                imported_at=now,
            )
        )
    _write(Fiche, fiches, STORED_FIELDS, report, known)
    _write(Resource, resources, RESOURCE_FIELDS, report, known)
    report.resources += len(resources)
    # bulk_create gives no primary keys on every database: read them back for the index.
    for model, rows in ((Fiche, fiches), (Resource, resources)):
        ids = [row.publication_id for row in rows]
        if ids:
            get_search_backend().add_bulk(model, list(model.objects.filter(publication_id__in=ids)))


def _write(model, rows: list, fields: tuple, report: ImportReport, known: dict) -> None:
    if not rows:
        return
    ids = [row.publication_id for row in rows]
    existing = dict(
        model.objects.filter(publication_id__in=ids).values_list("publication_id", "pk")
    )
    new = [row for row in rows if row.publication_id not in existing]
    changed = [row for row in rows if row.publication_id in existing]
    for row in changed:
        row.pk = existing[row.publication_id]
    model.objects.bulk_create(new)
    model.objects.bulk_update(changed, fields)
    report.created += len(new)
    report.updated += len(changed)
    for row in rows:
        known[row.publication_id] = row.content_hash
