"""Asking for a missing piece (Proposition 10): the agent asks, the resident gets a signed
link, adds the piece or answers, the request goes back to the agent's queue and the
expected date moves by the working days spent waiting."""

import datetime
import re

import pytest
import time_machine
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from ecommune.notifications.models import OutboxMessage
from ecommune.requests import answers, documents
from ecommune.requests.models import EventKind
from ecommune.requests.statuses import Status
from ecommune.testing.factories import UserFactory
from ecommune.testing.otp import login_agent
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 200
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
TZ = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def march_5():
    """Two days after the request was asked for a piece: its link is valid."""
    with time_machine.travel(datetime.datetime(2026, 3, 5, 10, tzinfo=TZ), tick=False):
        yield


def ask(client, filed, missing="Un justificatif de domicile de moins de 3 mois."):
    return client.post(
        f"/admin/demandes/{filed.reference}/", {"action": "missing", "missing-missing": missing}
    )


def answer_link(filed) -> str:
    """The path of the link the resident received by email."""
    body = OutboxMessage.unscoped.get(
        event="request.waiting_for_resident", channel="email", recipient=filed.applicant_email
    ).body
    url = re.search(r"https?://\S+/repondre/\?jeton=\S+", body).group(0)
    return url.split(".test", 1)[1]


@pytest.fixture
def asked(client, agent, contact_communes):
    """A request filed Monday 2 March 2026, asked for a piece on Tuesday 3 March."""
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False):
        filed = file_request(contact_communes[0], on_behalf=True, assigned_to=agent.user)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 10, tzinfo=TZ), tick=False):
        login_agent(client, agent.user)
        assert ask(client, filed).status_code == 302
    client.logout()
    filed.refresh_from_db()
    return filed


def test_asking_marks_the_request_waiting_and_queues_the_link(asked):
    assert asked.status == Status.WAITING_RESIDENT
    assert asked.waiting_since is not None
    event = asked.events.get(kind=EventKind.STATUS, to_status=Status.WAITING_RESIDENT)
    assert event.text == "Un justificatif de domicile de moins de 3 mois."
    email = OutboxMessage.unscoped.get(
        event="request.waiting_for_resident", channel="email", recipient="camille@example.org"
    )
    assert "Un justificatif de domicile" in email.body
    assert "/repondre/?jeton=" in email.body
    assert OutboxMessage.unscoped.filter(
        event="request.waiting_for_resident", channel="sms"
    ).exists()
    # The person concerned hears of it too.
    assert OutboxMessage.unscoped.filter(
        event="request.waiting_for_resident", recipient="lea@example.org"
    ).exists()


def test_asking_without_saying_what_is_missing_is_refused(client, agent, contact_communes):
    filed = file_request(contact_communes[0])
    login_agent(client, agent.user)
    response = ask(client, filed, missing="")
    assert response.status_code == 400
    assert "Indiquez ce qui manque." in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED


def test_the_link_opens_the_answer_page_without_signing_in(client, asked):
    with time_machine.travel(datetime.datetime(2026, 3, 5, 10, tzinfo=TZ), tick=False):
        response = client.get(answer_link(asked))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Un justificatif de domicile" in html
    assert "Le délai est suspendu" in html
    assert "2 jours ouvrés" in html  # Wednesday and Thursday so far


def test_a_forged_or_other_requests_token_is_a_404(client, asked, contact_communes):
    other = file_request(contact_communes[0])
    path = f"/demarches/demande/{asked.reference}/repondre/"
    assert client.get(path).status_code == 404
    assert client.get(f"{path}?jeton=nimportequoi").status_code == 404
    assert client.get(f"{path}?jeton={answers.make_token(other)}").status_code == 404


def test_an_expired_link_is_a_404(client, asked, settings):
    settings.ECOMMUNE_ANSWER_LINK_DAYS = 30
    link = answer_link(asked)
    with time_machine.travel(datetime.datetime(2026, 4, 10, 10, tzinfo=TZ), tick=False):
        assert client.get(link).status_code == 404


def test_the_answer_with_a_piece_puts_the_request_back_and_moves_the_date(client, asked):
    expected_before = asked.expected_answer_on
    link = answer_link(asked)
    token = link.split("jeton=")[1]
    OutboxMessage.unscoped.all().delete()
    # Answered on Monday 9 March: Wed 4, Thu 5, Fri 6, Mon 9 = 4 working days waited.
    with time_machine.travel(datetime.datetime(2026, 3, 9, 11, tzinfo=TZ), tick=False):
        response = client.post(
            f"/demarches/demande/{asked.reference}/repondre/",
            {
                "jeton": token,
                "text": "Voici le justificatif.",
                "attachment": SimpleUploadedFile("facture.pdf", PDF, "application/pdf"),
                "kind": "proof_of_address",
            },
        )
        assert response.status_code == 302
        # The page shows the thread and the moved date.
        html = client.get(response["Location"]).content.decode()
    assert response["Location"] == f"/demarches/demande/{asked.reference}/"
    asked.refresh_from_db()
    assert asked.status == Status.IN_PROGRESS
    assert asked.waiting_since is None
    assert asked.suspended_days == 4
    # Due Monday 16 March; + 4 working days = Friday 20 March.
    assert expected_before == datetime.date(2026, 3, 16)
    assert asked.expected_answer_on == datetime.date(2026, 3, 20)
    message = asked.events.get(kind=EventKind.MESSAGE_FROM_RESIDENT)
    assert "Voici le justificatif." in message.text and "facture.pdf" in message.text
    assert asked.documents.get().kind == "proof_of_address"
    back = asked.events.get(kind=EventKind.STATUS, to_status=Status.IN_PROGRESS)
    assert back.from_status == Status.WAITING_RESIDENT
    # The assigned agent is told; the resident gets no « status changed » email.
    told = OutboxMessage.unscoped.get(event="request.resident_replied")
    assert told.recipient == "alice@mairie-a.test"
    assert f"/admin/demandes/{asked.reference}/" in told.body
    assert not OutboxMessage.unscoped.filter(event="request.status_changed").exists()
    assert "Voici le justificatif." in html
    assert "4 jours ouvrés" in html


def test_an_executable_renamed_pdf_is_refused_next_to_the_field(client, asked, march_5):
    link = answer_link(asked)
    response = client.post(
        link.split("?")[0],
        {
            "jeton": link.split("jeton=")[1],
            "attachment": SimpleUploadedFile("piece.pdf", EXE, "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "est pas un document PDF, JPEG ou PNG" in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == Status.WAITING_RESIDENT


def test_an_empty_answer_is_refused(client, asked, march_5):
    link = answer_link(asked)
    response = client.post(link.split("?")[0], {"jeton": link.split("jeton=")[1]})
    assert response.status_code == 400
    assert "Écrivez une réponse ou ajoutez un document." in response.content.decode()


def test_the_signed_in_owner_answers_from_their_account_reusing_a_document(
    client, agent, contact_communes
):
    owner = UserFactory(email="camille@example.org")
    filed = file_request(contact_communes[0], user=owner)
    kept = documents.store_document(
        uploaded=SimpleUploadedFile("identite.pdf", PDF, "application/pdf"),
        kind="identity",
        commune=contact_communes[0],
        owner=owner,
    )
    login_agent(client, agent.user)
    ask(client, filed, "Une pièce d'identité.")
    client.logout()
    client.force_login(owner)
    mine = client.get("/demarches/mes-demandes/").content.decode()
    assert f"/demarches/demande/{filed.reference}/repondre/" in mine
    assert "Répondre à la mairie" in mine
    page = client.get(f"/demarches/demande/{filed.reference}/repondre/")
    assert page.status_code == 200
    assert "identite.pdf" in page.content.decode()
    response = client.post(f"/demarches/demande/{filed.reference}/repondre/", {"reuse": [kept.pk]})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.IN_PROGRESS
    assert list(filed.documents.all()) == [kept]


def test_another_resident_cannot_answer(client, asked):
    client.force_login(UserFactory())
    assert client.get(f"/demarches/demande/{asked.reference}/repondre/").status_code == 404


def test_the_resident_writes_from_the_request_page(client, agent, contact_communes):
    owner = UserFactory(email="camille@example.org")
    filed = file_request(contact_communes[0], user=owner, assigned_to=agent.user)
    client.force_login(owner)
    page = client.get(f"/demarches/demande/{filed.reference}/")
    assert "Écrire à la mairie au sujet de cette demande" in page.content.decode()
    response = client.post(
        f"/demarches/demande/{filed.reference}/repondre/", {"text": "Une précision : c'est au 12."}
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED  # not waiting: the status stays
    assert filed.events.filter(kind=EventKind.MESSAGE_FROM_RESIDENT).exists()
    assert OutboxMessage.unscoped.filter(event="request.resident_replied").exists()
    # The agent sees it in the history.
    client.logout()
    login_agent(client, agent.user)
    html = client.get(f"/admin/demandes/{filed.reference}/").content.decode()
    assert "Une précision" in html


def test_the_token_is_bound_to_the_request():
    class Fake:
        pk = 1
        reference = "EC-2026-AAAAA"

    token = answers.make_token(Fake)
    assert answers.token_matches(Fake, token)
    Fake.pk = 2
    assert not answers.token_matches(Fake, token)
    assert not answers.token_matches(Fake, signing.dumps([2, "EC-2026-AAAAA"]))
