"""The three questions in Chromium, as a resident opens them from the email on a phone:
axe-core clean on the questions, the errors, the thanks and the results in both themes,
and the same walk without JavaScript (where axe-core, a script, cannot run)."""

import re

import pytest
from playwright.sync_api import expect

from ecommune.core.models import Commune
from ecommune.demo.seed import AGENT_EMAIL, seed_demo
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.services import change_status
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS
from tests.requests.inbox_fixtures import file_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name):
    if not page.context_javascript:
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"feedback-{name}-360.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize(
    ("theme", "javascript"),
    [("commune", True), ("dsfr", True), ("commune", False)],
    ids=["commune", "dsfr", "without-js"],
)
def test_a_resident_gives_their_opinion_on_a_phone(
    live_server, page_at, tmp_path, theme, javascript
):
    from django.contrib.auth import get_user_model

    seed_demo(tmp_path / "credentials.json")
    Commune.unscoped.update(theme=theme)
    commune = Commune.unscoped.get()
    filed = file_request(commune)
    change_status(filed, "done", actor=get_user_model().objects.get(email=AGENT_EMAIL))
    body = OutboxMessage.unscoped.get(event="feedback.invitation").body
    path = re.search(r"https?://[^/\s]+(/avis/\S+/)", body).group(1)

    page = page_at(360, java_script_enabled=javascript)
    page.context_javascript = javascript
    page.goto(live_server.url + path)
    assert page.get_by_role("heading", level=1).inner_text() == "Votre avis en trois questions"
    check(page, f"{theme}-questions")
    page.get_by_role("button", name="Envoyer mon avis").click()
    # expect() waits for the answer page: a count taken at once may still read the questions.
    missing = page.get_by_text("Choisissez une réponse à cette question.", exact=True)
    expect(missing).to_have_count(3)
    check(page, f"{theme}-errors")
    page.get_by_label("Plutôt facile").check()
    page.get_by_label("Oui", exact=True).check()
    page.get_by_label("Très satisfait").check()
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre avis")
    check(page, f"{theme}-thanks")
    page.get_by_role("link", name="Voir la satisfaction des usagers, démarche par démarche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Satisfaction des usagers")
    check(page, f"{theme}-results")
