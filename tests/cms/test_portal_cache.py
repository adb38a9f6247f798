"""The portal cache: the home page's blocks, service pages and footer links are rendered once
per portal version, and any change they show is on the next page view."""

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecommune.appointments import queue
from ecommune.appointments.models import Counter, Desk
from ecommune.cms.models import (
    AccessibilityPage,
    LifeEventPage,
    NewsIndexPage,
    NewsPage,
    ServicePage,
)
from ecommune.core import tenancy
from ecommune.core.models import Commune, OpeningPeriod
from ecommune.services.elections.models import Election

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "commune-a.test"}
ELECTIONS_PAGE = "/demarches-en-ligne/sinscrire-sur-les-listes-electorales/"


def get(client, path="/"):
    response = client.get(path, **HOST)
    assert response.status_code == 200, path
    return unescape(response.content.decode())


def version(commune):
    return Commune.unscoped.values_list("portal_version", flat=True).get(pk=commune.pk)


def news_index(commune):
    home = commune.site.root_page.specific
    return NewsIndexPage.objects.child_of(home).first() or home.add_child(
        instance=NewsIndexPage(title="Actualités", slug="actualites")
    )


def test_a_cached_home_page_costs_fewer_queries_and_shows_the_same(full_commune, client):
    with CaptureQueriesContext(connection) as fresh:
        first = get(client)
    with CaptureQueriesContext(connection) as cached:
        second = get(client)
    assert len(cached) < len(fresh)
    # The CSP nonce and the CSRF token differ from one response to the next, nothing else.
    strip = ("nonce=", "csrfmiddlewaretoken")
    assert [line for line in first.splitlines() if not any(s in line for s in strip)] == [
        line for line in second.splitlines() if not any(s in line for s in strip)
    ]


def test_news_published_shows_on_the_home_page_at_once(full_commune, client):
    assert "Fête de la musique" not in get(client)
    news = news_index(full_commune).add_child(
        instance=NewsPage(title="Fête de la musique", slug="fete")
    )
    assert "Fête de la musique" in get(client)
    news.unpublish()
    assert "Fête de la musique" not in get(client)


def test_a_page_edit_published_in_the_admin_way_shows_at_once(full_commune, client):
    event = LifeEventPage.objects.live().first()
    assert event.title in get(client)
    event.title = "Je change de vie"
    event.save_revision().publish()
    html = get(client)
    assert "Je change de vie" in html


def test_the_communes_settings_and_hours_show_at_once(full_commune, client):
    get(client)
    full_commune.contact_phone = "02 40 99 88 77"
    full_commune.save()
    assert "02 40 99 88 77" in get(client)
    before = version(full_commune)
    OpeningPeriod.objects.create(
        commune=full_commune,
        weekday=5,
        opens_at=datetime.time(9, 5),
        closes_at=datetime.time(11, 55),
    )
    assert version(full_commune) != before
    assert "9 h 05–11 h 55" in get(client)


def test_the_version_is_in_the_database_so_every_process_renders_again(full_commune, client):
    """Another app-server process has its own local-memory cache: what tells it that its
    fragments are old is the version read with the commune, which a change renews."""
    before = version(full_commune)
    news_index(full_commune).add_child(instance=NewsPage(title="Brève", slug="breve"))
    assert version(full_commune) != before


def test_an_election_announced_changes_the_service_text_at_once(full_commune, client):
    assert "Pour voter" not in get(client, ELECTIONS_PAGE)
    with tenancy.using(full_commune):
        Election.objects.create(
            name="élections municipales de 2032",
            kind="municipal",
            first_round=datetime.date.today() + datetime.timedelta(days=200),
        )
    assert "élections municipales de 2032" in get(client, ELECTIONS_PAGE)
    assert "élections municipales de 2032" in get(client)


def test_the_footer_follows_the_accessibility_declaration(full_commune, client):
    assert "Accessibilité : non conforme" in get(client)
    declaration = AccessibilityPage.objects.get()
    declaration.conformity = "partial"
    declaration.audit_date = datetime.date(2026, 10, 1)
    declaration.save_revision().publish()
    assert "Accessibilité : partiellement conforme" in get(client)


def test_each_commune_sees_its_own_fragments(full_commune, client, settings):
    from ecommune.core.provisioning import CommuneData, setup_commune

    setup_commune(
        CommuneData(
            name="Commune-B",
            insee_code="44002",
            postal_codes="44100",
            domain="commune-b.test",
            contact_phone="02 40 55 66 77",
        ),
        portal_pages=True,
    )
    a = get(client)
    b = unescape(client.get("/", HTTP_HOST="commune-b.test").content.decode())
    assert "Commune-A" in a and "Commune-B" not in a
    assert "Commune-B" in b and "02 40 55 66 77" in b and "02 40 11 22 33" not in b


def test_a_preview_of_a_draft_is_never_kept(full_commune, client):
    page = ServicePage.objects.get(service_slug="elections")
    get(client, ELECTIONS_PAGE)
    page.intro = "Texte du brouillon"
    lead = '<p class="ec-lead">Texte du brouillon</p>'
    assert lead in page.make_preview_request().content.decode()
    assert "Texte du brouillon" not in get(client, ELECTIONS_PAGE)


def test_the_cache_can_be_turned_off(full_commune, client, settings):
    settings.ECOMMUNE_PORTAL_CACHE_SECONDS = 0
    get(client)
    with CaptureQueriesContext(connection) as first:
        get(client)
    with CaptureQueriesContext(connection) as second:
        get(client)
    assert len(first) == len(second)
    Commune.unscoped.filter(pk=full_commune.pk).update(contact_phone="02 40 12 12 12")
    assert "02 40 12 12 12" in get(client)


def test_a_ticket_taken_shows_in_the_home_pages_wait(full_commune, client):
    with tenancy.using(full_commune):
        counter = Counter.objects.create(name="Passeports")
        Desk.objects.create(counter=counter, name="Bureau 1", is_open=True)
    assert "(0 personne en attente)" in get(client)
    queue.take_ticket(counter)
    assert "(1 personne en attente)" in get(client)


def _other_commune(n: int) -> Commune:
    from ecommune.core.provisioning import CommuneData, setup_commune

    return setup_commune(
        CommuneData(
            name=f"Commune-{n}",
            insee_code=f"{44100 + n}",
            postal_codes="44100",
            domain=f"commune-{n}.test",
        ),
        portal_pages=False,
    )


def _save_news(commune, title):
    news_index(commune).add_child(instance=NewsPage(title=title, slug=title.lower()))


def test_a_page_changed_in_one_commune_renews_that_communes_version_only(full_commune):
    # Every commune's rows and fragments renewed on each page change made a commune's
    # provisioning and an editor's save cost in proportion to the install (issue 16, item 9).
    other = _other_commune(2)
    a, b = version(full_commune), version(other)
    _save_news(full_commune, "Brocante")
    assert version(full_commune) != a and version(other) == b
    a = version(full_commune)
    page = NewsPage.objects.get(slug="brocante")
    page.save_revision().publish()
    page.unpublish()
    assert version(full_commune) != a and version(other) == b
    _save_news(other, "Kermesse")
    assert version(other) != b and version(full_commune) != a
    b, a = version(other), version(full_commune)
    NewsPage.objects.get(slug="kermesse").delete()
    assert version(other) != b and version(full_commune) == a


def test_a_page_moved_to_another_commune_renews_both(full_commune):
    other = _other_commune(2)
    _save_news(full_commune, "Voyage")
    a, b = version(full_commune), version(other)
    NewsPage.objects.get(slug="voyage").move(other.site.root_page, pos="last-child")
    assert version(full_commune) != a and version(other) != b


def test_a_site_changed_renews_its_communes_version_only(full_commune):
    other = _other_commune(2)
    a, b = version(full_commune), version(other)
    site = other.site
    site.site_name = "Autre nom"
    site.save()
    assert version(other) != b and version(full_commune) == a


def test_a_page_change_costs_the_same_queries_however_many_communes(full_commune):
    _other_commune(2)

    def queries_of_a_save(title):
        with CaptureQueriesContext(connection) as queries:
            _save_news(full_commune, title)
        return [q["sql"] for q in queries]

    queries_of_a_save("Premier")  # the first save's own lookups (content types, locale)
    few = queries_of_a_save("Deux")
    for n in range(3, 6):
        _other_commune(n)
    many = queries_of_a_save("Trois")
    assert len(many) == len(few)
    renewals = [sql for sql in many if "portal_version" in sql and sql.startswith("UPDATE")]
    assert renewals and all("WHERE" in sql for sql in renewals)


def test_opening_hours_changed_in_one_commune_renew_that_communes_version_only(full_commune):
    # django-scheduler's events and rules name no commune: each renewed every commune's
    # version, so one commune's new opening hours cost the whole install its cached pages.
    from schedule.models import Event, Rule

    from ecommune.appointments.forms import OpeningForm
    from ecommune.testing.factories import make_counter

    other = _other_commune(2)
    a, b = version(full_commune), version(other)
    counter = make_counter(
        full_commune, openings=[((0, 2), datetime.time(9), datetime.time(12), 1)]
    )
    assert version(full_commune) != a and version(other) == b
    a = version(full_commune)
    opening = counter.openings.get()
    with tenancy.using(full_commune):
        form = OpeningForm(
            {
                "counter": counter.pk,
                "agents_on_duty": 2,
                "weekdays": [1, 3],
                "opens": "14:00",
                "closes": "17:00",
            },
            instance=opening,
        )
        assert form.is_valid(), form.errors
        form.save()
    assert version(full_commune) != a and version(other) == b
    a = version(full_commune)
    event = Event.objects.get(calendar=counter.calendar)
    event.title = "Changé hors du kit"
    event.save()  # django-scheduler's own admin or code: the counter's commune, still
    assert version(full_commune) != a and version(other) == b
    a = version(full_commune)
    Rule.objects.create(name="jamais utilisée", frequency="WEEKLY", params="byweekday:6")
    assert (version(other), version(full_commune)) == (b, a)
    rule = event.rule
    rule.params = "byweekday:4"
    rule.save()  # shared by every commune opening on those days
    assert version(other) != b and version(full_commune) != a
