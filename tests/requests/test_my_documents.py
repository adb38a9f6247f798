"""« Mes documents »: the files a resident gave, what each was used for, until when it is
kept, its download, and its deletion — refused, with the reason, while a request in
progress uses it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ecommune.requests.models import Document
from ecommune.testing.factories import UserFactory
from ecommune.testing.filing import Applicant, Documents, Upload, enable_services, filed_request
from ecommune.testing.wizard import PDF, pdf_upload
from tests.accounts.conftest import fr

pytestmark = pytest.mark.django_db

MESSAGE = {"topic": "roads", "subject": "Lampadaire", "message": "Le lampadaire est éteint."}
MINE = reverse("ecommune_requests:documents")


@pytest.fixture
def resident(commune, private_storage):
    enable_services(commune, "contact")
    return UserFactory(email="camille@example.org")


def filed_with(commune, user, name, **fields):
    return filed_request(
        commune,
        "contact",
        {"message": MESSAGE},
        applicant=Applicant("Camille", "Martin", user.email, user=user),
        # Each its own content: the same file given twice is kept once.
        documents=Documents(uploads=[Upload("identity", pdf_upload(name, PDF + name.encode()))]),
        **fields,
    )


@pytest.fixture
def two_documents(commune, resident):
    in_progress = filed_with(commune, resident, "carte-en-cours.pdf")
    closed = filed_with(
        commune, resident, "justificatif-ancien.pdf", status="done", closed_at=timezone.now()
    )
    used = Document.objects.get(requests=in_progress)
    free = Document.objects.get(requests=closed)
    return in_progress, closed, used, free


def test_the_page_lists_each_document_with_its_use_and_expiry(client, resident, two_documents):
    in_progress, closed, used, free = two_documents
    client.force_login(resident)
    page = client.get(MINE).content.decode()
    for document, filed in ((used, in_progress), (free, closed)):
        assert document.title in page
        assert reverse("ecommune_requests:detail", args=[filed.reference]) in page
        assert reverse("ecommune_requests:document_download", args=[document.pk]) in page
    assert fr("Kept until") in page
    # The one in use offers no deletion, the other does.
    assert reverse("ecommune_requests:document_delete", args=[used.pk]) not in page
    assert reverse("ecommune_requests:document_delete", args=[free.pk]) in page


def test_a_document_downloads_as_an_attachment(client, resident, two_documents):
    _in_progress, _closed, used, _free = two_documents
    client.force_login(resident)
    response = client.get(reverse("ecommune_requests:document_download", args=[used.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_document_in_use_cannot_be_deleted_and_the_page_says_why(client, resident, two_documents):
    in_progress, _closed, used, _free = two_documents
    client.force_login(resident)
    response = client.post(reverse("ecommune_requests:document_delete", args=[used.pk]))
    assert response.status_code == 409
    page = response.content.decode()
    refusal = fr(
        "This document cannot be deleted: the town hall needs it to answer a request "
        "still in progress."
    )
    assert refusal in page
    assert in_progress.reference in page
    assert Document.objects.filter(pk=used.pk).exists()
    assert used.file.storage.exists(used.file.name)


def test_a_document_no_request_in_progress_uses_is_deleted_with_its_file(
    client, resident, two_documents
):
    _in_progress, _closed, _used, free = two_documents
    client.force_login(resident)
    url = reverse("ecommune_requests:document_delete", args=[free.pk])
    assert fr("Delete the document") in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response.url == MINE
    assert not Document.objects.filter(pk=free.pk).exists()
    assert not free.file.storage.exists(free.file.name)


def test_another_resident_neither_sees_downloads_nor_deletes_them(client, commune, two_documents):
    _in_progress, _closed, used, free = two_documents
    client.force_login(UserFactory(email="autre@example.org"))
    assert used.title not in client.get(MINE).content.decode()
    for name in ("document_download", "document_delete"):
        assert client.get(reverse(f"ecommune_requests:{name}", args=[used.pk])).status_code == 404
    assert (
        client.post(reverse("ecommune_requests:document_delete", args=[free.pk])).status_code == 404
    )
    assert Document.objects.filter(pk=free.pk).exists()
