"""FranceConnect in a real Chromium, against a real OpenID provider (oidc-provider started by
the test suite on 127.0.0.1): the official button, the provider's pages, back to the site
signed in with the certified identity in the request wizard, and signing out at the
provider with the ID token. With JavaScript (axe-core at 360 px) and without."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from ecommune.accounts.franceconnect.models import FranceConnectIdentity
from ecommune.demo.seed import seed_demo
from ecommune.testing.factories import UserFactory
from tests.accounts.conftest import fr
from tests.accounts.franceconnect_provider import ACCOUNTS, enable_franceconnect
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUNS = [
    pytest.param(360, True, id="360"),
    pytest.param(1280, False, id="1280-without-js"),
]


@pytest.fixture
def site(live_server, settings, oidc_providers, tmp_path):
    seed_demo(tmp_path / "credentials.json")
    port = urlsplit(live_server.url).port
    provider = oidc_providers(f"http://localhost:{port}", f"http://127.0.0.1:{port}")
    enable_franceconnect(settings, provider)
    return live_server.url, provider


def check(page, name, width, javascript):
    if not javascript:
        return
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"franceconnect-{name}-{width}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def sign_in_at_provider(page, provider, login):
    page.wait_for_url(provider.issuer + "/interaction/**")
    page.fill("#login", login)
    page.fill("#password", ACCOUNTS[login]["password"])
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("button", name="Continuer").click()


@pytest.mark.parametrize(("width", "javascript"), RUNS)
def test_a_resident_signs_in_with_franceconnect_files_with_the_certified_identity_and_signs_out(
    site, page_at, width, javascript
):
    url, provider = site
    page = page_at(width, java_script_enabled=javascript)
    page.goto(url + "/compte/connexion/")
    button = page.get_by_role("link", name="S’identifier avec FranceConnect")
    expect(button).to_be_visible()
    expect(page.get_by_role("link", name="Qu’est-ce que FranceConnect ?")).to_be_visible()
    check(page, "login", width, javascript)

    button.click()
    sign_in_at_provider(page, provider, "angela")

    page.wait_for_url(url + "/compte/profil/")
    angela = ACCOUNTS["angela"]["claims"]
    assert angela["email"] in page.locator("main").inner_text()
    identity = FranceConnectIdentity.objects.select_related("user").get()
    assert identity.sub == ACCOUNTS["angela"]["sub"]
    assert identity.user.email == angela["email"] and identity.user.email_verified
    assert identity.claims["birthplace"] == angela["birthplace"]

    page.goto(url + "/demarches/contact/")
    first_name = page.locator("#id_applicant-first_name")
    assert first_name.input_value() == angela["given_name"]
    assert first_name.get_attribute("readonly") is not None
    assert page.locator("#id_applicant-email").input_value() == angela["email"]
    assert page.get_by_text("Certifié par FranceConnect").count() == 3
    check(page, "wizard", width, javascript)

    page.goto(url + "/compte/profil/")
    with page.expect_request(lambda request: "/session/end" in request.url) as ending:
        page.get_by_role("button", name=fr("Sign out")).click()
    params = {k: v[0] for k, v in parse_qs(urlsplit(ending.value.url).query).items()}
    assert ending.value.url.startswith(provider.issuer + "/session/end?")
    assert params["id_token_hint"].count(".") == 2
    assert params["post_logout_redirect_uri"].endswith("/compte/franceconnect/deconnexion/retour/")
    page.get_by_role("button", name="Se déconnecter").click()

    page.wait_for_url(url + "/compte/franceconnect/deconnexion/retour/**")
    assert page.get_by_role("heading", level=1).inner_text() == fr("You are signed out")
    check(page, "logged-out", width, javascript)
    page.goto(url + "/compte/profil/")
    assert "/compte/connexion/" in page.url


def test_an_unverified_account_with_the_same_address_is_explained(site, page_at):
    url, provider = site
    UserFactory(email=ACCOUNTS["lea"]["claims"]["email"], email_verified_at=None)
    page = page_at(360)
    page.goto(url + "/compte/inscription/")
    check(page, "signup", 360, True)
    page.get_by_role("link", name="S’identifier avec FranceConnect").click()
    sign_in_at_provider(page, provider, "lea")

    page.wait_for_url(url + "/compte/franceconnect/retour/**")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == fr("An account with your email address is waiting for confirmation")
    assert not FranceConnectIdentity.objects.exists()
    check(page, "unverified", 360, True)
    page.get_by_role("link", name=fr("Choose a new password")).click()
    assert page.url.endswith("/compte/mot-de-passe/oubli/")
