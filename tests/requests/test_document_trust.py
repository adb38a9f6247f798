"""Documents across trust boundaries: the name and type an agent receives come from the
file's content, never from the resident's name; a document given to two communes is two
documents; files of a wizard left unfinished are purged after a day."""

import inspect
import os
import re
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ecommune.core import tenancy
from ecommune.requests import documents, wizard_files
from ecommune.requests.documents import clean_name, served_name, store_document
from ecommune.requests.models import Document, Request
from ecommune.testing.factories import UserFactory
from ecommune.testing.otp import login_agent
from ecommune.testing.wizard import PDF, post_step, walk_wizard
from tests.api.agent_fixtures import HOST_A, make_token
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request
from tests.requests.test_contact_wizard import APPLICANT, MESSAGE

# A PDF for the sniffers that read the first bytes, a page for those that look further.
POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"
POLYGLOT += b"1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 200
BIDI_AND_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
HOSTILE_NAMES = {
    "scan.html": "scan.pdf",
    "facture\u202elmth.pdf": "facturelmth.pdf",
    "cni\u2066\u200f.pdf.exe": "cni.pdf.pdf",
    "re\x00le\x07ve\r\n.svg": "releve.pdf",
    ".html": "html.pdf",
}
SRC = Path(documents.__file__).resolve().parents[1]


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def document_views() -> list[str]:
    """The URL names of every view that gives a resident's document back: those whose code
    calls the one serving helper."""
    found = []
    for name, callback in _walk(get_resolver().url_patterns):
        view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
        try:
            source = inspect.getsource(view)
        except (OSError, TypeError):
            continue
        if "serve_document(" in source:
            found.append(name)
    return sorted(set(found))


#: The residents' own download (« Mes documents »), by the document alone.
RESIDENTS_VIEW = "ecommune_requests:document_download"
#: The agents' API's download, with a token of the commune.
AGENTS_API_VIEW = "ecommune_api:agent_request_document"


def check_served(response, served: str, url: str) -> None:
    assert response.status_code == 200, url
    assert b"".join(response.streaming_content) == POLYGLOT
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="{served}"', url


@pytest.mark.parametrize(("given", "served"), sorted(HOSTILE_NAMES.items()))
def test_the_served_name_keeps_the_stem_and_takes_the_detected_extension(given, served):
    assert served_name(given, "application/pdf") == served


def test_control_and_bidirectional_characters_are_removed_from_names():
    cleaned = clean_name(f"a{BIDI_AND_CONTROLS}\x00\x1b\u2028b\u00a0c.pdf")
    assert cleaned == "ab c.pdf"
    assert clean_name("Acte de naissance — Léa.pdf") == "Acte de naissance — Léa.pdf"


def test_documents_are_served_only_through_the_one_helper():
    """No module but ``documents`` opens a document's file or builds a file response."""
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "documents.py"
        and re.search(r"FileResponse\(|\.file\.open\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    assert document_views(), "no URL pattern serves documents through serve_document"


@pytest.mark.django_db
@pytest.mark.parametrize(("given", "served"), sorted(HOSTILE_NAMES.items()))
def test_every_document_view_serves_the_detected_type_under_its_extension(
    client, agent, contact_communes, given, served
):
    filed = file_request(contact_communes[0])
    document = store_document(
        uploaded=SimpleUploadedFile(given, POLYGLOT, "text/html"),
        kind="other",
        commune=contact_communes[0],
    )
    document.requests.add(filed)
    login_agent(client, agent.user)
    # The agents' download, and every view the walk of the URL patterns finds serving
    # documents through the helper.
    views = document_views()
    agents_views = [name for name in views if name not in (RESIDENTS_VIEW, AGENTS_API_VIEW)]
    urls = {f"/admin/demandes/{filed.reference}/documents/{document.pk}/"} | {
        reverse(name, kwargs={"reference": filed.reference, "pk": document.pk})
        for name in agents_views
    }
    for url in sorted(urls):
        check_served(client.get(url), served, url)
    assert views == [AGENTS_API_VIEW, "ecommune_inbox_document", RESIDENTS_VIEW]
    # The agents' API: the same file to a program holding one of the commune's tokens.
    _token, key = make_token(contact_communes[0], agent.user)
    url = reverse(AGENTS_API_VIEW, kwargs={"reference": filed.reference, "document": document.pk})
    program = Client(HTTP_HOST=HOST_A, HTTP_AUTHORIZATION=f"Bearer {key}")
    check_served(program.get(url), served, url)
    # « Mes documents »: the resident's own download of the same file.
    owner = UserFactory(email="proprietaire@example.org")
    document.owner = owner
    document.save(update_fields=["owner"])
    resident = Client()
    resident.force_login(owner)
    url = reverse(RESIDENTS_VIEW, kwargs={"pk": document.pk})
    check_served(resident.get(url), served, url)
    # The name shown in the back office is cleaned too.
    assert not set(BIDI_AND_CONTROLS + "\x00\x07\r\n") & set(document.original_name)
    assert not set(BIDI_AND_CONTROLS) & set(document.title)
    page = client.get(f"/admin/demandes/{filed.reference}/").content.decode()
    assert not set(BIDI_AND_CONTROLS) & set(page)


@pytest.mark.django_db
def test_a_stored_type_that_lies_is_not_believed(client, agent, contact_communes):
    """The type is read from the file again when served, whatever the row says."""
    filed = file_request(contact_communes[0])
    document = store_document(
        uploaded=SimpleUploadedFile("photo.png", PDF), kind="other", commune=contact_communes[0]
    )
    Document.unscoped.filter(pk=document.pk).update(content_type="text/html")
    document.requests.add(filed)
    login_agent(client, agent.user)
    response = client.get(f"/admin/demandes/{filed.reference}/documents/{document.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="photo.pdf"'


@pytest.mark.django_db
@pytest.mark.outside_commune
def test_the_same_file_given_to_two_communes_is_two_documents(contact_communes):
    commune, other = contact_communes
    owner = UserFactory()
    first = store_document(
        uploaded=SimpleUploadedFile("cni.pdf", PDF), kind="identity", commune=commune, owner=owner
    )
    second = store_document(
        uploaded=SimpleUploadedFile("cni.pdf", PDF), kind="identity", commune=other, owner=owner
    )
    again = store_document(
        uploaded=SimpleUploadedFile("cni.pdf", PDF), kind="identity", commune=other, owner=owner
    )
    assert first.pk != second.pk and second.pk == again.pk
    assert (first.commune, second.commune) == (commune, other)
    assert first.file.name.startswith(f"documents/{commune.pk}/")
    assert second.file.name.startswith(f"documents/{other.pk}/")


def _file_through_the_wizard(host: str, user) -> Request:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    run = walk_wizard(
        client,
        "contact",
        {"message": MESSAGE},
        files={"message": {"attachment": SimpleUploadedFile("cni.pdf", PDF)}},
        applicant=APPLICANT,
    )
    return run.filed


@pytest.mark.django_db
@pytest.mark.outside_commune
def test_a_file_given_again_to_another_commune_never_links_its_request_elsewhere(
    contact_communes, agent, other_agent
):
    commune, other = contact_communes
    resident = UserFactory()
    in_a = _file_through_the_wizard("commune-a.test", resident)
    in_b = _file_through_the_wizard("commune-b.test", resident)
    assert (in_a.commune, in_b.commune) == (commune, other)
    with tenancy.using(commune):
        document_a = in_a.documents.get()
        assert list(document_a.requests.all()) == [in_a]
    with tenancy.using(other):
        document_b = in_b.documents.get()
    assert document_a.pk != document_b.pk
    assert document_b.commune == other
    agent_b = Client(HTTP_HOST="commune-b.test")
    login_agent(agent_b, other_agent.user)
    url = f"/admin/demandes/{in_b.reference}/documents/{document_b.pk}/"
    assert agent_b.get(url).status_code == 200
    foreign = f"/admin/demandes/{in_b.reference}/documents/{document_a.pk}/"
    assert agent_b.get(foreign).status_code == 404


def _age(name: str, days: float) -> None:
    moment = time.time() - days * 86400
    os.utime(wizard_files.storage.path(name), (moment, moment))


@pytest.mark.django_db
def test_the_purge_deletes_wizard_files_older_than_a_day_and_keeps_the_fresh_ones():
    old = wizard_files.storage.save("abandoned.pdf", ContentFile(PDF))
    nested = wizard_files.storage.save("some/folder/abandoned.png", ContentFile(PDF))
    fresh = wizard_files.storage.save("fresh.pdf", ContentFile(PDF))
    almost = wizard_files.storage.save("almost.pdf", ContentFile(PDF))
    _age(old, 1.1)
    _age(nested, 3)
    _age(almost, 0.9)
    call_command("ecommune_purge_documents")
    assert not wizard_files.storage.exists(old)
    assert not wizard_files.storage.exists(nested)
    assert wizard_files.storage.exists(fresh) and wizard_files.storage.exists(almost)
    for name in (fresh, almost):
        wizard_files.storage.delete(name)


@pytest.mark.django_db
def test_a_wizard_whose_file_was_purged_asks_for_it_again_next_to_the_field(contact_communes):
    client = Client(HTTP_HOST="commune-a.test")
    assert post_step(client, "contact", "applicant", APPLICANT).status_code == 302
    before = set(_names())
    photo = {"attachment": SimpleUploadedFile("photo.pdf", PDF)}
    assert post_step(client, "contact", "message", MESSAGE, photo).status_code == 302
    (kept,) = set(_names()) - before
    _age(kept, 2)
    call_command("ecommune_purge_documents")
    assert not wizard_files.storage.exists(kept)
    done = client.get("/demarches/contact/envoi/")
    assert done.status_code == 302 and done["Location"].endswith("/demarches/contact/message/")
    assert Request.unscoped.count() == 0
    page = client.get(done["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "n’est plus conservé" in html and "Lampadaire éteint" in html


def _names():
    if not wizard_files.storage.exists(""):
        return []
    return list(wizard_files._names())


@pytest.mark.django_db
def test_names_stored_before_the_cleaning_are_cleaned_by_a_migration(commune):
    import importlib

    from django.apps import apps

    document = store_document(
        uploaded=SimpleUploadedFile("cni.pdf", PDF), kind="identity", commune=commune
    )
    Document.unscoped.filter(pk=document.pk).update(
        original_name="cni\u202efdp.exe", title="Carte\u2066 d’identité\x07"
    )
    migration = importlib.import_module("ecommune.requests.migrations.0004_clean_document_names")
    migration.clean_names(apps, None)
    document.refresh_from_db()
    assert (document.original_name, document.title) == ("cnifdp.exe", "Carte d’identité")
