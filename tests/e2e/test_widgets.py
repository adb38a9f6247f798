"""The widgets on another site, in Chromium (issue 18, item 5): a page served from another
local origin (a small ``http.server`` on 127.0.0.1, the portal being ``localhost``) shows each
widget as an ``<iframe>`` and through ``embed.js``; an origin the commune does not allow gets
an empty frame (``frame-ancestors``); each widget page passes axe-core."""

import functools
import http.server
import threading

import pytest
from playwright.sync_api import expect

from ecommune.core.models import Commune
from ecommune.demo.seed import seed_demo
from ecommune.servicepublic.models import Fiche
from ecommune.widgets.catalogue import BY_SLUG
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDGETS = {
    "prochain-creneau": ("/widgets/prochain-creneau/passeport/", 'data-motif="passeport"'),
    "attente": ("/widgets/attente/", ""),
    "actualites": ("/widgets/actualites/", ""),
    "fiche": ("/widgets/fiche/F1427/", 'data-fiche="F1427"'),
}
HEADINGS = {
    "prochain-creneau": "Prochain rendez-vous libre",
    "attente": "Temps d’attente aux guichets",
    "actualites": "Dernières actualités",
    "fiche": "Acte de naissance : demande de copie",
}


def host_page(portal: str) -> str:
    """The other site's page: each widget as a frame, then through the script."""
    parts = ["<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"]
    parts.append("<title>Site de l'intercommunalité</title></head><body><main>")
    parts.append("<h1>Site de l'intercommunalité</h1>")
    for slug, (path, data) in WIDGETS.items():
        parts.append(
            f'<iframe id="frame-{slug}" src="{portal}{path}" title="Widget {slug}" '
            'width="400" height="300"></iframe>'
        )
        parts.append(
            f'<div id="script-{slug}"><script src="{portal}/widgets/embed.js" '
            f'data-widget="{slug}" {data} async></script></div>'
        )
    parts.append("</main></body></html>")
    return "".join(parts)


@pytest.fixture
def other_site(tmp_path):
    """Two small sites on 127.0.0.1 (other origins than the portal's ``localhost``): one the
    commune allows, one it does not."""
    servers = []

    def start(html: str):
        folder = tmp_path / f"site{len(servers)}"
        folder.mkdir()
        (folder / "index.html").write_text(html, encoding="utf-8")
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        handler.log_message = lambda *args: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def portal(live_server, tmp_path):
    seed_demo(tmp_path / "credentials.json")
    Fiche.objects.create(
        publication_id="F1427",
        title="Acte de naissance : demande de copie",
        description="Comment obtenir une copie d'acte de naissance.",
        sp_url="https://www.service-public.fr/particuliers/vosdroits/F1427",
        content_hash="x",
    )
    # The portal as ``localhost``: the other site is 127.0.0.1, another origin.
    return live_server.url.replace("127.0.0.1", "localhost")


def frame_heading(page, selector):
    return page.frame_locator(selector).get_by_role("heading", level=1)


def test_each_widget_shows_on_an_allowed_site_as_frame_and_script(page_at, portal, other_site):
    allowed = other_site(host_page(portal))
    Commune.unscoped.update(widget_origins=f"https://www.example.org\n{allowed}")
    page = page_at(1280)
    page.goto(allowed + "/index.html")
    assert page.evaluate("location.origin") == allowed
    for slug in WIDGETS:
        heading = HEADINGS[slug]
        assert frame_heading(page, f"#frame-{slug}").inner_text() == heading
        inserted = page.locator(f"#script-{slug} iframe")
        assert inserted.get_attribute("title").endswith(" — Saint-Ébrard-sur-Loire")
        assert inserted.get_attribute("data-ecommune-widget") == slug
        assert frame_heading(page, f"#script-{slug} iframe").inner_text() == heading
    # Without data-height, a frame inserted by the script takes its widget's height (the
    # widget reports it, height.js): no scroll bar, no blank under a short list.
    for slug in WIDGETS:
        page.wait_for_function(
            "([selector, default_height]) => {"
            " const frame = document.querySelector(selector);"
            " return frame && frame.height !== default_height; }",
            arg=[f"#script-{slug} iframe", str(BY_SLUG[slug].height)],
        )
        inserted = page.locator(f"#script-{slug} iframe")
        content = (
            inserted.element_handle()
            .content_frame()
            .evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
        )
        assert abs(int(inserted.get_attribute("height")) - content) <= 1, slug
    # The links of a widget open the portal in a new window.
    link = page.frame_locator("#frame-attente").get_by_role("link").first
    assert link.get_attribute("target") == "_blank"
    page.screenshot(path=str(SCREENSHOTS / "widgets-on-another-site-1280.png"), full_page=True)


def test_a_site_the_commune_does_not_allow_gets_empty_frames(page_at, portal, other_site):
    refused = other_site(host_page(portal))
    Commune.unscoped.update(widget_origins="https://www.example.org")
    page = page_at(1280)
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(refused + "/index.html")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    for slug in WIDGETS:
        assert page.locator(f"#script-{slug} iframe").count() == 1  # inserted, then refused
        for selector in (f"#frame-{slug}", f"#script-{slug} iframe"):
            frame = page.locator(selector).element_handle().content_frame()
            assert frame.url.startswith("chrome-error://"), (selector, frame.url)
            assert frame_heading(page, selector).count() == 0
    assert any("frame-ancestors" in text for text in messages), messages


@pytest.mark.parametrize("slug", list(WIDGETS))
def test_each_widget_page_is_accessible(page_at, portal, slug):
    page = page_at(360)
    page.goto(portal + WIDGETS[slug][0])
    assert page.get_by_role("heading", level=1).inner_text() == HEADINGS[slug]
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SCREENSHOTS / f"widget-{slug}-360.png"), full_page=True)


def test_the_back_office_copies_a_snippet_in_one_click(live_server, page_at, portal):
    from django.contrib.auth import get_user_model

    from tests.e2e.test_back_office import signed_in_page

    administrator = get_user_model().objects.create_superuser(
        email="dsi@example.org", password="x" * 16
    )
    page = signed_in_page(live_server, page_at, administrator)
    page.context.grant_permissions(["clipboard-write"], origin=live_server.url)
    # The site's Permissions-Policy forbids reading the clipboard: what is written is
    # recorded on its way instead.
    page.add_init_script(
        "const write = navigator.clipboard.writeText.bind(navigator.clipboard);"
        "navigator.clipboard.writeText = (text) => {"
        " window.copiedText = text; return write(text); };"
    )
    page.goto(live_server.url + "/admin/widgets/")
    snippet = page.locator("#snippet-attente-script")
    assert 'data-widget="attente"' in snippet.input_value()
    page.locator("#snippet-attente-script ~ p").get_by_role("button", name="Copier le code").click()
    expect(page.locator("#snippet-attente-script-copied")).to_have_text("Copié.")
    assert page.evaluate("window.copiedText") == snippet.input_value()
    page.screenshot(path=str(SCREENSHOTS / "admin-widgets-copied-1280.png"), full_page=True)
