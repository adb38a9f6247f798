"""The agents' inbox in Chromium: the list and a request's page pass axe-core at 1280 px,
an agent asks for a missing piece, and the resident's answer page (reached by the emailed
link) passes axe-core at 360 px and works without JavaScript."""

import datetime
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from ecommune.notifications.models import OutboxMessage
from ecommune.testing.otp import login_agent
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name, width):
    if page.locator(".messages li").count():
        # Wagtail fades its messages in: axe must read the colours once they are shown.
        page.wait_for_timeout(1000)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"inbox-{name}-{width}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def agent_page(page_at, live_server, user, width=1280):
    client = Client()
    login_agent(client, user)
    page = page_at(width)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def test_an_agent_works_the_inbox_and_the_resident_answers(
    live_server, page_at, browser, agent, colleague, contact_communes
):
    commune = contact_communes[0]
    late = file_request(commune, on_behalf=True, expected_answer_on=datetime.date(2026, 1, 5))
    file_request(commune, assigned_to=agent.user)
    file_request(commune, email="dominique@example.org")

    page = agent_page(page_at, live_server, agent.user)
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="Demandes").first.click()
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Demandes"
    expect(page.get_by_text("3 demandes")).to_be_visible()
    check(page, "list", 1280)

    page.get_by_label("En retard uniquement").check()
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("1 demande", exact=True)).to_be_visible()
    page.get_by_role("link", name=late.reference).click()
    assert late.reference in page.title()
    check(page, "request", 1280)

    page.get_by_role("button", name="M’attribuer la demande").click()
    expect(page.get_by_text("C’est fait")).to_be_visible()
    page.get_by_label("Ce qui manque").fill("Un justificatif de domicile de moins de 3 mois.")
    page.get_by_role("button", name="Demander à l’habitant").click()
    expect(page.get_by_text("Délai suspendu depuis")).to_be_visible()
    check(page, "request-waiting", 1280)

    # The resident follows the emailed link, on a phone, without JavaScript.
    body = OutboxMessage.unscoped.get(
        event="request.waiting_for_resident", channel="email", recipient=late.applicant_email
    ).body
    path = re.search(r"https?://[^/\s]+(/\S+/repondre/\?jeton=\S+)", body).group(1)
    for javascript in (True, False):
        resident = browser.new_context(
            viewport={"width": 360, "height": 800},
            locale="fr-FR",
            java_script_enabled=javascript,
        )
        resident.set_default_timeout(15_000)
        answer = resident.new_page()
        answer.goto(live_server.url + path)
        assert "Le délai est suspendu" in answer.content()
        if javascript:
            check(answer, "answer", 360)
            answer.get_by_role("button", name="Envoyer ma réponse").click()
            error = answer.get_by_text("Écrivez une réponse ou ajoutez un document.", exact=True)
            expect(error).to_be_visible()
            check(answer, "answer-error", 360)
        else:
            answer.get_by_label("Votre réponse").fill("Je l’envoie par la poste demain.")
            answer.get_by_role("button", name="Envoyer ma réponse").click()
            expect(answer.get_by_text("Votre réponse est envoyée")).to_be_visible()
            assert "Je l’envoie par la poste demain." in answer.content()
        resident.close()

    # Back in the inbox: the request is in progress again, the answer in the history.
    page.reload()
    expect(page.get_by_text("Je l’envoie par la poste demain.")).to_be_visible()
    expect(page.get_by_text("En cours de traitement", exact=True).first).to_be_visible()
    check(page, "request-answered", 1280)

    # The agent closes the request with a comment: the resident is told, and the history
    # on both sides ends with it.
    page.get_by_label("Nouveau statut").select_option("done")
    page.get_by_label("Commentaire").fill("Justificatif reçu par la poste, dossier complet.")
    page.get_by_role("button", name="Changer le statut").click()
    expect(page.get_by_text("Justificatif reçu par la poste, dossier complet.")).to_be_visible()
    late.refresh_from_db()
    assert late.status == "done" and late.closed_at is not None
    notice = OutboxMessage.unscoped.get(
        event="request.status_changed", channel="email", recipient=late.applicant_email
    )
    assert "Justificatif reçu par la poste, dossier complet." in notice.body
    resident_events = late.events.filter(visible_to_resident=True).values_list("kind", flat=True)
    assert list(resident_events)[-1] == "status"
    page.goto(live_server.url + "/admin/ecommune_canned_replies/new/")
    check(page, "canned-reply-new", 1280)
    # The admin scrolls inside its own frame: a tall window shows the whole history.
    page.set_viewport_size({"width": 1280, "height": 2000})
    page.screenshot(path=str(SCREENSHOTS / "inbox-request-history-1280.png"))


def test_the_inbox_is_usable_on_a_phone(live_server, page_at, agent, contact_communes):
    filed = file_request(contact_communes[0], on_behalf=True)
    page = agent_page(page_at, live_server, agent.user, width=360)
    page.goto(live_server.url + "/admin/demandes/")
    check(page, "list", 360)
    page.get_by_role("link", name=filed.reference).click()
    expect(page.get_by_role("button", name="Envoyer le message")).to_be_visible()
    check(page, "request", 360)
