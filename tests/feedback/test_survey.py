"""The three questions after a request is closed (Proposition 20) and their published
results (Proposition 21): the invitation by email, the answer page, one answer per request,
no personal data kept, figures shown from five answers on."""

import datetime
import re
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecommune.core import tenancy
from ecommune.feedback import survey
from ecommune.feedback.models import SurveyAnswer
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.services import change_status
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "commune-a.test"}


def invitation(filed):
    return OutboxMessage.unscoped.filter(
        event="feedback.invitation", related_reference=filed.reference
    )


def survey_path(filed) -> str:
    """The path of the link in the invitation email."""
    body = invitation(filed).get().body
    return re.search(r"https?://commune-a\.test(/avis/[^\s]+/)", body).group(1)


def closed(commune, agent, status="done", **extra):
    """A request of ``commune`` closed by ``agent``, as that commune's back office does."""
    filed = file_request(commune, **extra)
    with tenancy.using(commune):
        change_status(filed, status, actor=agent.user)
    return filed


def test_closing_a_request_asks_its_applicant_three_questions_once(contact_communes, agent):
    filed = closed(contact_communes[0], agent)
    message = invitation(filed).get()
    assert message.recipient == "camille@example.org" and message.channel == "email"
    assert message.subject == f"Demande {filed.reference} : votre avis en trois questions"
    assert "://commune-a.test/avis/" in message.body
    refused = closed(contact_communes[0], agent, status="rejected")
    assert invitation(refused).count() == 1
    cancelled = closed(contact_communes[0], agent, status="cancelled")
    assert not invitation(cancelled).exists()  # mostly withdrawn by the resident
    in_progress = file_request(contact_communes[0])
    change_status(in_progress, "in_progress", actor=agent.user)
    assert not invitation(in_progress).exists()


def test_a_service_closing_with_its_own_statuses_asks_too(contact_communes, agent, monkeypatch):
    """The survey follows the service's declared ``closed_statuses`` (but « cancelled »)."""
    from ecommune.services.contact.service import ContactService

    monkeypatch.setattr(
        ContactService,
        "statuses",
        (("submitted", "Reçue"), ("answered", "Répondue"), ("cancelled", "Annulée")),
    )
    monkeypatch.setattr(
        ContactService,
        "transitions",
        {"submitted": ("answered", "cancelled"), "answered": (), "cancelled": ()},
    )
    monkeypatch.setattr(ContactService, "closed_statuses", frozenset({"answered", "cancelled"}))
    answered = closed(contact_communes[0], agent, status="answered")
    assert invitation(answered).count() == 1
    cancelled = closed(contact_communes[0], agent, status="cancelled")
    assert not invitation(cancelled).exists()


def test_the_resident_answers_and_only_the_answers_are_kept(client, contact_communes, agent):
    filed = closed(contact_communes[0], agent)
    path = survey_path(filed)
    page = unescape(client.get(path, **HOST).content.decode())
    assert "Votre avis en trois questions" in page
    for question in (
        "La démarche en ligne a-t-elle été facile ?",
        "La mairie a-t-elle répondu dans le délai annoncé ?",
        "Dans l’ensemble, êtes-vous satisfait du service rendu par la mairie ?",
    ):
        assert f"<legend>{question}</legend>" in page
    empty = client.post(path, {}, **HOST)
    assert empty.status_code == 200
    # Each of the three questions says it next to its field and in the error summary.
    assert unescape(empty.content.decode()).count("Choisissez une réponse à cette question.") == 6
    assert not SurveyAnswer.unscoped.exists()
    done = client.post(path, {"ease": "4", "on_time": "yes", "satisfaction": "5"}, **HOST)
    assert "Merci pour votre avis" in unescape(done.content.decode())
    answer = SurveyAnswer.unscoped.get()
    assert (answer.ease, answer.on_time, answer.satisfaction) == (4, "yes", 5)
    assert answer.service == "contact" and answer.commune == contact_communes[0]
    again = client.post(path, {"ease": "1", "on_time": "no", "satisfaction": "1"}, **HOST)
    assert "déjà enregistré" in unescape(again.content.decode())
    assert SurveyAnswer.unscoped.count() == 1
    # The request's deletion at the end of its retention leaves the anonymous answer.
    filed.delete()
    answer.refresh_from_db()
    assert answer.request is None and answer.satisfaction == 5


def test_a_forged_old_or_other_communes_link_does_not_open(client, contact_communes, agent):
    filed = closed(contact_communes[0], agent)
    path = survey_path(filed)
    assert client.get(path[:-3] + "xx/", **HOST).status_code == 404
    assert client.get(path, HTTP_HOST="commune-b.test").status_code == 404
    later = timezone.now() + datetime.timedelta(days=survey.LINK_DAYS + 1)
    with time_machine.travel(later):
        response = client.get(path, **HOST)
    assert response.status_code == 404
    assert "Ce lien ne fonctionne plus" in unescape(response.content.decode())


def answer_many(commune, agent, marks):
    for ease, on_time, satisfaction in marks:
        filed = closed(commune, agent)
        with tenancy.using(commune):
            survey.record(filed, ease=ease, on_time=on_time, satisfaction=satisfaction)


def test_results_are_published_per_service_from_five_answers(client, contact_communes, agent):
    commune = contact_communes[0]
    answer_many(commune, agent, [(5, "yes", 5), (4, "yes", 4), (2, "no", 2), (4, "unsure", 5)])
    page = unescape(client.get("/avis/", **HOST).content.decode())
    assert "Satisfaction des usagers" in page
    row = page.split('<th scope="row">Écrire à la mairie</th>')[1].split("</tr>")[0]
    assert ">4</td>" in row and "Pas encore assez de réponses" in row
    answer_many(commune, agent, [(5, "yes", 4)])
    page = unescape(client.get("/avis/", **HOST).content.decode())
    row = page.split('<th scope="row">Écrire à la mairie</th>')[1].split("</tr>")[0]
    # 5 answers: 4 found it easy, 3 of the 4 who could tell were answered on time,
    # 4 satisfied, average 4.0.
    assert re.findall(r'data-label="[^"]+">([^<]+)</td>', row) == [
        "5",
        "80\xa0%",
        "75\xa0%",
        "80\xa0%",
        "4,0",
    ]


def test_another_communes_answers_are_not_counted(client, contact_communes, agent, other_agent):
    answer_many(contact_communes[1], other_agent, [(5, "yes", 5)] * 6)
    page = unescape(client.get("/avis/", **HOST).content.decode())
    row = page.split('<th scope="row">Écrire à la mairie</th>')[1].split("</tr>")[0]
    assert ">0</td>" in row


def test_the_results_cost_the_same_queries_with_more_answers(client, contact_communes, agent):
    client.get("/avis/", **HOST)
    with CaptureQueriesContext(connection) as before:
        client.get("/avis/", **HOST)
    answer_many(contact_communes[0], agent, [(3, "no", 3)] * 7)
    with CaptureQueriesContext(connection) as after:
        client.get("/avis/", **HOST)
    assert len(after) == len(before)


def test_every_page_links_to_the_results(client, contact_communes):
    from ecommune.core.provisioning import CommuneData, setup_commune

    setup_commune(
        CommuneData(
            name="Commune-A", insee_code="44001", postal_codes="44000", domain="commune-a.test"
        ),
        portal_pages=True,
    )
    html = unescape(client.get("/", **HOST).content.decode())
    footer = html[html.index("<footer") :]
    assert 'href="/avis/">Satisfaction des usagers</a>' in footer
