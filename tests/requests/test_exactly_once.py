"""Exactly-once filing: concurrent final submissions of one wizard (the same session, six
browser tabs or a replayed request) file one request, queue one acknowledgment, save the
service's data and the documents once, and all land on the same confirmation page."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from ecommune.notifications.models import OutboxMessage
from ecommune.requests.models import Document, Request
from ecommune.services.contact.models import ContactMessage
from tests.requests.test_contact_wizard import APPLICANT, MESSAGE, PDF, post_step

CALLERS = 6


@pytest.fixture
def contact(commune, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    commune.enabled_services = ["contact"]
    commune.save()
    return commune


def _send_concurrently(cookies) -> list:
    """GET the wizard's final step from ``CALLERS`` threads at once, with one session."""
    barrier = threading.Barrier(CALLERS)
    answers = [None] * CALLERS

    def call(index):
        client = Client()
        client.cookies = cookies
        try:
            barrier.wait()
            response = client.get("/demarches/contact/envoi/")
            answers[index] = (response.status_code, response.get("Location", ""))
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            answers[index] = (type(error).__name__, str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(index,)) for index in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.django_db(transaction=True)
def test_concurrent_final_submissions_file_one_request(contact):
    client = Client()
    assert post_step(client, "applicant", APPLICANT).status_code == 302
    files = {"attachment": SimpleUploadedFile("photo.pdf", PDF)}
    assert post_step(client, "message", MESSAGE, files).status_code == 302
    confirmed = post_step(client, "confirm", {"certify": "on"})
    assert confirmed["Location"].endswith("/demarches/contact/envoi/")

    answers = _send_concurrently(client.cookies)

    assert Request.unscoped.count() == 1
    filed = Request.unscoped.get()
    acknowledgments = OutboxMessage.unscoped.filter(event="request.acknowledged")
    assert sorted(acknowledgments.values_list("channel", flat=True)) == ["email", "sms"]
    assert ContactMessage.unscoped.count() == 1
    assert Document.unscoped.count() == 1
    assert list(Document.unscoped.get().requests.all()) == [filed]
    confirmation = f"/demarches/demande/{filed.reference}/confirmation/"
    assert answers == [(302, confirmation)] * CALLERS
    page = client.get(confirmation)
    assert page.status_code == 200 and filed.reference in page.content.decode()
