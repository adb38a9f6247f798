"""A resident's account in a real Chromium, with and without JavaScript: every page passes
axe-core at 360 and 1280 px, errors show next to their field, the emailed links work."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from ecommune.demo.seed import RESIDENT_EMAIL, seed_demo
from tests.accounts.conftest import fr, fr_errors
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-secret-bien-long-2026"


@pytest.fixture
def site(live_server, tmp_path):
    credentials = seed_demo(tmp_path / "credentials.json")
    return live_server.url, credentials


# (width, JavaScript): axe-core runs as a script, so it checks the pages in the runs with
# JavaScript; the run without proves every page works without it.
RUNS = [
    pytest.param(360, False, id="360-without-js"),
    pytest.param(360, True, id="360"),
    pytest.param(1280, True, id="1280"),
]


def open_page(page_at, width, javascript):
    page = page_at(width, java_script_enabled=javascript)
    page.context_javascript = javascript
    return page


def check(page, name, width):
    # Nothing wider than the screen: no horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if not page.context_javascript:
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"commune-accounts-{name}-{width}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


@pytest.mark.parametrize(("width", "javascript"), RUNS)
def test_a_resident_signs_up_verifies_and_manages_the_account(
    site, page_at, width, javascript, mailoutbox
):
    url, _ = site
    page = open_page(page_at, width, javascript)
    page.goto(url + "/")
    page.get_by_role("navigation", name=fr("Your account")).get_by_role(
        "link", name=fr("Sign in")
    ).click()
    assert heading(page) == fr("Sign in")
    check(page, "login", width)
    page.get_by_role("link", name=fr("Create an account")).click()
    assert heading(page) == fr("Create an account")
    check(page, "signup", width)

    page.fill("#id_first_name", "Camille")
    page.fill("#id_last_name", "Martin")
    page.fill("#id_email", "pas-une-adresse")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", "pas-le-meme-secret-2026")
    page.get_by_role("button", name=fr("Create my account")).click()
    assert fr_errors(2) in page.locator(".ec-error-summary").inner_text()
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    expect(page.locator("#id_email_error")).to_be_visible()
    assert page.locator("#id_first_name").input_value() == "Camille"
    check(page, "signup-errors", width)

    page.fill("#id_email", "camille.martin@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name=fr("Create my account")).click()
    assert heading(page) == fr("Check your email")
    check(page, "signup-done", width)

    [message] = mail.outbox
    link = re.search(r"https?://\S+/compte/verification/\S+", message.body).group(0)
    page.goto(link)
    assert heading(page) == fr("Your address is verified")
    check(page, "verified", width)

    page.get_by_role("main").get_by_role("link", name=fr("Sign in")).click()
    page.fill("#id_username", "camille.martin@example.org")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name=fr("Sign in")).click()
    assert heading(page) == fr("My account")
    assert (
        page.get_by_role("navigation", name=fr("Your account"))
        .get_by_role("link", name=fr("My space"))
        .is_visible()
    )
    check(page, "profile", width)

    page.fill("#id_street_address", "4 rue des Tilleuls")
    page.fill("#id_postal_code", "44999")
    page.fill("#id_city", "Saint-Ébrard-sur-Loire")
    page.fill("#id_phone", "02 40 99 12 34")
    page.get_by_role("button", name=fr("Save my details")).click()
    assert page.locator("#id_phone").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_street_address").input_value() == "4 rue des Tilleuls"
    check(page, "profile-errors", width)
    page.fill("#id_phone", "06 12 34 56 78")
    page.get_by_role("button", name=fr("Save my details")).click()
    assert fr("Your details have been saved.") in page.locator(".ec-success").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name=fr("Download my data"), exact=True).click()
    assert download.value.suggested_filename == "mes-donnees.json"

    page.get_by_role("link", name=fr("Delete my account")).click()
    assert heading(page) == fr("Delete my account")
    check(page, "delete", width)
    page.fill("#id_password", "pas-le-bon")
    page.get_by_role("button", name=fr("Delete my account")).click()
    expect(page.locator("#id_password_error")).to_be_visible()
    expect(page.locator("#id_confirm_error")).to_be_visible()
    check(page, "delete-errors", width)
    page.fill("#id_password", PASSWORD)
    page.locator("#id_confirm").check()
    page.get_by_role("button", name=fr("Delete my account")).click()
    assert heading(page) == fr("Your account is deleted")
    check(page, "deleted", width)


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/compte/mot-de-passe/oubli/", "password-reset"),
        ("/compte/verification/renvoyer/", "resend"),
        ("/compte/verification/pas-un-lien/", "bad-link"),
        ("/compte/mot-de-passe/nouveau/MQ/pas-un-jeton/", "bad-reset-link"),
    ],
)
def test_anonymous_account_pages_have_no_axe_violation(site, page_at, width, path, name):
    url, _ = site
    page = open_page(page_at, width, True)
    page.goto(url + path)
    check(page, name, width)


@pytest.mark.parametrize(("width", "javascript"), RUNS)
def test_password_reset_lockout_and_sign_out_pages(site, page_at, width, javascript, mailoutbox):
    url, _ = site
    page = open_page(page_at, width, javascript)
    page.goto(url + "/compte/mot-de-passe/oubli/")
    page.fill("#id_email", RESIDENT_EMAIL)
    page.get_by_role("button", name=fr("Send me the link")).click()
    assert heading(page) == fr("Check your email")
    check(page, "password-reset-done", width)
    link = re.search(r"https?://\S+/compte/mot-de-passe/nouveau/\S+", mail.outbox[0].body)
    page.goto(link.group(0))
    assert heading(page) == fr("Choose a new password")
    check(page, "password-reset-confirm", width)
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.get_by_role("button", name=fr("Save my new password")).click()
    assert heading(page) == fr("Password changed")
    check(page, "password-reset-complete", width)

    page.goto(url + "/compte/connexion/")
    page.fill("#id_username", RESIDENT_EMAIL)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name=fr("Sign in")).click()
    page.get_by_role("button", name=fr("Sign out")).click()
    assert heading(page) == fr("You are signed out")
    check(page, "logged-out", width)

    for _ in range(5):
        page.goto(url + "/compte/connexion/")
        page.fill("#id_username", RESIDENT_EMAIL)
        page.fill("#id_password", "mauvais-mot-de-passe")
        page.get_by_role("main").get_by_role("button", name=fr("Sign in")).click()
    assert heading(page) == fr("Too many attempts")
    check(page, "lockout", width)
