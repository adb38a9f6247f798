"""Widgets for other sites (issue 18, item 5): each widget's content is its own commune's,
framed only by the origins the commune allows, cheap to serve; the back office's page shows
each widget and its snippets; bad origins are refused in French."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ecommune.core import tenancy
from ecommune.core.validators import split_origins, validate_origins
from ecommune.servicepublic.models import Fiche
from ecommune.testing.factories import AgentFactory, make_counter
from ecommune.testing.otp import login_agent
from tests.api.conftest import HOST_A, HOST_B, api_communes  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

ORIGIN_A = "https://www.interco-a.example.org"


def widget_urls(motive_slug):
    return [
        f"/widgets/prochain-creneau/{motive_slug}/",
        "/widgets/attente/",
        "/widgets/actualites/",
        "/widgets/fiche/F1427/",
    ]


@pytest.fixture
def communes(api_communes, settings):  # noqa: F811
    settings.WAGTAILADMIN_BASE_URL = "https://admin.example.org"
    a, b = api_communes
    a.widget_origins = ORIGIN_A
    a.save()
    Fiche.objects.create(
        publication_id="F1427",
        title="Acte de naissance : demande de copie",
        description="Comment obtenir une copie d'acte de naissance.",
        sp_url="https://www.service-public.fr/particuliers/vosdroits/F1427",
        content_hash="x",
    )
    return a, b


def get(url, host):
    return Client(HTTP_HOST=host).get(url)


def ancestors(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    [directive] = [d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors")]
    return directive.split()[1:]


def test_each_widget_shows_its_own_communes_data_only(communes):
    pages = {url: get(url, HOST_A) for url in widget_urls("passeport-alpha")}
    for url, response in pages.items():
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="fr">' in html and "<title>" in html and "Commune-API-A" in html
        assert "Beta" not in html, url  # commune B's counter, motive, news
        # Every link opens the portal in a new window, and says so.
        for link in re.findall(r"<a [^>]*>", html):
            assert 'target="_blank"' in link and 'rel="noopener"' in link, (url, link)
        assert html.count("(nouvelle fenêtre)") == html.count('target="_blank"')
        assert "<script>" not in html and "style=" not in html  # strict CSP, no inline
    assert "Passeport Alpha" in pages["/widgets/prochain-creneau/passeport-alpha/"].text
    assert "/rendez-vous/" in pages["/widgets/prochain-creneau/passeport-alpha/"].text
    assert "Guichet Alpha" in pages["/widgets/attente/"].text
    assert "Nouvelle Alpha" in pages["/widgets/actualites/"].text
    fiche = pages["/widgets/fiche/F1427/"].text
    assert "Acte de naissance" in fiche and "/vos-droits/F1427/" in fiche
    # Commune B's own widgets show B's data.
    assert "Nouvelle Beta" in get("/widgets/actualites/", HOST_B).text
    assert "Guichet Beta" in get("/widgets/attente/", HOST_B).text


def test_another_communes_motive_and_unknown_fiches_are_404(communes):
    assert get("/widgets/prochain-creneau/passeport-beta/", HOST_A).status_code == 404
    assert get("/widgets/prochain-creneau/nope/", HOST_A).status_code == 404
    assert get("/widgets/fiche/F9999/", HOST_A).status_code == 404
    assert get("/widgets/fiche/%3Cscript%3E/", HOST_A).status_code == 404


def test_widgets_are_framed_by_the_communes_origins_only(communes):
    for url in widget_urls("passeport-alpha"):
        response = get(url, HOST_A)
        assert ancestors(response) == ["'self'", "https://admin.example.org", ORIGIN_A], url
        assert "X-Frame-Options" not in response, url
        assert "max-age=60" in response["Cache-Control"] and "public" in response["Cache-Control"]
    # Commune B allows no other site: its widgets are framed by itself and the back office.
    b = get("/widgets/attente/", HOST_B)
    assert ancestors(b) == ["'self'", "https://admin.example.org"]
    assert ORIGIN_A not in b["Content-Security-Policy"]
    # Every other page keeps 'none' and DENY.
    for url in ("/", "/file-attente/", "/rendez-vous/", "/api/"):
        other = get(url, HOST_A)
        assert ancestors(other) == ["'none'"], url
        assert other["X-Frame-Options"] == "DENY", url


def test_the_first_waiting_time_widget_address_leads_to_the_new_one(communes):
    response = get("/file-attente/widget/", HOST_A)
    assert response.status_code == 301 and response["Location"] == "/widgets/attente/"


def test_embed_js_knows_each_widget_of_the_commune(communes):
    response = get("/widgets/embed.js", HOST_A)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    for slug in ("prochain-creneau", "attente", "actualites", "fiche"):
        assert f'"{slug}"' in body
    assert '"path": "/widgets/attente/"' in body
    assert '"path": "/widgets/prochain-creneau/__value__/"' in body
    assert "Commune-API-B" not in body
    assert "Temps d\\u2019attente aux guichets \\u2014 Commune-API-A" in body


def test_query_counts_do_not_grow_with_the_data(communes, settings):
    settings.ECOMMUNE_API_LIVE_CACHE_SECONDS = 0
    settings.ECOMMUNE_PORTAL_CACHE_SECONDS = 0
    a, _b = communes
    client = Client(HTTP_HOST=HOST_A)

    def count(url):
        client.get(url)  # the site and settings caches warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = {url: count(url) for url in widget_urls("passeport-alpha")}
    from ecommune.cms.models import NewsIndexPage, NewsPage

    with tenancy.using(a):
        for n in range(3):
            make_counter(a, f"Guichet Alpha {n}")
    index = NewsIndexPage.objects.descendant_of(a.site.root_page).get()
    for n in range(3):
        index.add_child(instance=NewsPage(title=f"Nouvelle Alpha {n}", slug=f"n{n}"))
    after = {url: count(url) for url in widget_urls("passeport-alpha")}
    assert after == before


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org/chemin",
        "https://example.org/",
        "ftp://example.org",
        "*",
        "https://*.example.org",
        "example.org",
        "https://exa mple.org",
        "https://example.org:99999",
        "'self'",
        "https://user@example.org",
    ],
)
def test_an_origin_that_is_not_one_is_refused_in_french(value):
    from django.utils import translation

    with translation.override("fr"), pytest.raises(ValidationError) as raised:
        validate_origins(value)
    assert "n’est pas une origine" in str(raised.value.messages[0])


def test_good_origins_are_kept_lower_cased_once():
    value = "https://www.Example.org\nhttp://127.0.0.1:8001, https://www.example.org"
    validate_origins(value)
    assert split_origins(value) == ["https://www.example.org", "http://127.0.0.1:8001"]
    with pytest.raises(ValidationError):
        validate_origins("\n".join(f"https://s{n}.example.org" for n in range(21)))


@pytest.fixture
def administrator(communes):
    return AgentFactory(
        commune=communes[0], services=["contact"], permissions=["ecommune_accounts.add_agent"]
    )


def test_the_back_office_page_shows_each_widget_and_its_snippets(client, communes, administrator):
    login_agent(client, administrator.user)
    page = client.get("/admin/widgets/", HTTP_HOST=HOST_A)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<iframe ") == 4
    assert 'src="/widgets/prochain-creneau/passeport-alpha/"' in html
    assert 'src="/widgets/fiche/F1427/"' in html
    assert "&lt;iframe src=&quot;http://commune-api-a.test/widgets/attente/&quot;" in html
    assert (
        "&lt;script src=&quot;http://commune-api-a.test/widgets/embed.js&quot; "
        "data-widget=&quot;fiche&quot; data-fiche=&quot;F1427&quot; async&gt;"
    ) in html
    assert "passeport-beta" not in html
    assert "frame-src 'self' http://commune-api-a.test" in page["Content-Security-Policy"]
    # A value the commune does not offer (commune B's motive) falls back to its first one.
    other = client.get("/admin/widgets/?fiche=nope&motif=passeport-beta", HTTP_HOST=HOST_A)
    assert other.status_code == 200
    assert "passeport-beta" not in other.content.decode().split("</form>", 2)[-1]
    assert 'src="/widgets/prochain-creneau/passeport-alpha/"' in other.content.decode()


def test_the_back_office_page_edits_the_origins_and_refuses_bad_ones(
    client, communes, administrator
):
    a, b = communes
    login_agent(client, administrator.user)
    bad = client.post(
        "/admin/widgets/",
        {"widget_origins": "https://ok.example.org\nhttps://x.org/page"},
        HTTP_HOST=HOST_A,
    )
    assert bad.status_code == 200
    assert "« https://x.org/page » n’est pas une origine" in bad.content.decode()
    a.refresh_from_db()
    assert a.widget_origins == ORIGIN_A
    good = client.post(
        "/admin/widgets/",
        {"widget_origins": "https://Journal.example.org  http://127.0.0.1:8001"},
        HTTP_HOST=HOST_A,
    )
    assert good.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.widget_origins == "https://journal.example.org\nhttp://127.0.0.1:8001"
    assert b.widget_origins == ""
    framed = get("/widgets/attente/", HOST_A)
    assert "http://127.0.0.1:8001" in ancestors(framed)


def test_an_agent_without_the_right_is_refused(client, communes):
    agent = AgentFactory(commune=communes[0], services=["contact"])
    login_agent(client, agent.user)
    assert client.get("/admin/widgets/", HTTP_HOST=HOST_A).status_code in (302, 403)
