"""Uploads are checked by content and size, kept privately, reused, and purged when due."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from ecommune.requests.documents import check_upload, purge_expired_documents, store_document
from ecommune.requests.models import Document
from ecommune.testing.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 200
PNG = (
    bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
    + b"\x00" * 64
)
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000") + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 300
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 300


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


@pytest.mark.parametrize(
    ("content", "mime"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_pdf_jpeg_and_png_are_accepted_by_their_content(content, mime):
    assert check_upload(SimpleUploadedFile("scan.bin", content)) == mime


@pytest.mark.parametrize(
    "content", [ELF, WINDOWS_EXE, b"<html><script>alert(1)</script></html>" * 10]
)
def test_an_executable_or_a_page_renamed_pdf_is_refused(content):
    with pytest.raises(ValidationError) as error:
        check_upload(
            SimpleUploadedFile("justificatif.pdf", content, content_type="application/pdf")
        )
    assert error.value.code == "type"


def test_a_file_over_the_limit_is_refused_with_both_sizes(settings):
    settings.ECOMMUNE_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("gros.pdf", PDF + b" " * 2000))
    assert error.value.code == "too_large"
    assert "1,0" in error.value.messages[0] or "1.0" in error.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile("vide.pdf", b""))


@pytest.mark.django_db
def test_a_document_is_stored_privately_and_reused_not_duplicated(commune, private_root):
    owner = UserFactory()
    first = store_document(
        uploaded=SimpleUploadedFile("cni.pdf", PDF), kind="identity", commune=commune, owner=owner
    )
    again = store_document(
        uploaded=SimpleUploadedFile("cni (1).pdf", PDF),
        kind="identity",
        commune=commune,
        owner=owner,
    )
    assert first.pk == again.pk
    assert Document.unscoped.count() == 1
    assert first.content_type == "application/pdf" and first.size == len(PDF)
    path = private_root / first.file.name
    assert path.read_bytes() == PDF
    assert storages["private"].exists(first.file.name)


@pytest.mark.django_db
def test_expired_documents_are_purged_with_their_files(commune, private_root, time_machine):
    owner = UserFactory()
    old = store_document(
        uploaded=SimpleUploadedFile("old.png", PNG), kind="identity", commune=commune, owner=owner
    )
    fresh = store_document(
        uploaded=SimpleUploadedFile("new.jpg", JPEG), kind="identity", commune=commune, owner=owner
    )
    Document.unscoped.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert purge_expired_documents() == 1
    assert not (private_root / old.file.name).exists()
    assert (private_root / fresh.file.name).exists()
    assert list(Document.unscoped.all()) == [fresh]
    out = io.StringIO()
    call_command("ecommune_purge_documents", stdout=out)
    assert out.getvalue().startswith("0 document")
