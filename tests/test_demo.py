"""The demo commune: seeded with realistic data, idempotent, served."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from ecommune.appointments.models import Counter
from ecommune.cms.models import NewsPage
from ecommune.core.models import Commune
from ecommune.demo.seed import AGENT_EMAIL, RESIDENT_EMAIL, seed_demo
from ecommune.services.school.models import School
from ecommune.testing.otp import verify_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path):
    path = tmp_path / "credentials.json"
    seed_demo(path)
    return path


def counts():
    return {
        "sites": Site.objects.count(),
        "pages": Page.objects.count(),
        "communes": Commune.unscoped.count(),
        "counters": Counter.unscoped.count(),
        "schools": School.unscoped.count(),
        "users": get_user_model().objects.count(),
        "news": NewsPage.objects.count(),
    }


def test_demo_has_a_commune_with_counters_schools_news_and_two_accounts(demo):
    commune = Commune.unscoped.get()
    assert commune.name == "Saint-Ébrard-sur-Loire" and commune.insee_code == "44999"
    assert commune.opening_hours.count() == 11
    assert Counter.unscoped.filter(commune=commune).count() == 2
    assert School.unscoped.filter(commune=commune).count() == 2
    assert NewsPage.objects.live().count() == 1
    agent = get_user_model().objects.get(email=AGENT_EMAIL)
    assert agent.agent.commune == commune and agent.has_perm("wagtailadmin.access_admin")
    resident = get_user_model().objects.get(email=RESIDENT_EMAIL)
    assert not resident.is_staff


def test_counter_opening_hours_are_scheduler_recurrences(demo):
    import datetime

    from django.utils import timezone

    counter = Counter.unscoped.get(name="Accueil État civil")
    monday = timezone.localdate()
    monday += datetime.timedelta(days=7 - monday.weekday())  # next week's Monday
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(monday, datetime.time(0), tzinfo=tz)
    week = counter.occurrences_between(start, start + datetime.timedelta(days=7))
    # Monday to Friday morning and afternoon, Saturday morning.
    assert len(week) == 11
    assert week[0].start.astimezone(tz).time() == datetime.time(8, 30)


def test_seeding_twice_creates_nothing_more_and_keeps_the_passwords(demo):
    before = counts()
    first = json.loads(demo.read_text())
    seed_demo(demo)
    assert counts() == before
    assert json.loads(demo.read_text()) == first


def test_printed_credentials_log_in(demo, client):
    credentials = json.loads(demo.read_text())
    assert client.login(
        email=credentials["resident"]["email"], password=credentials["resident"]["password"]
    )
    client.logout()
    assert client.login(
        email=credentials["agent"]["email"], password=credentials["agent"]["password"]
    )
    # The back office then asks for the agent's second factor.
    assert client.get("/admin/")["Location"].startswith("/admin/securite/configurer/")
    verify_session(client, get_user_model().objects.get(email=AGENT_EMAIL))
    assert client.get("/admin/").status_code == 200


def test_home_page_shows_the_commune_its_news_and_town_hall(demo, client):
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Saint-Ébrard-sur-Loire" in html
    assert "Inscriptions scolaires" in html
    assert "02 40 99 12 34" in html
    assert 'lang="fr"' in html


def test_home_page_queries_do_not_grow_with_news(demo, client):
    """Rendered afresh (the news just added forget the portal cache), the home page makes
    as many queries with five more news items."""
    from ecommune.core.portal_cache import forget_portal

    client.get("/")
    forget_portal()
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    index = Page.objects.get(slug="actualites")
    for n in range(5):
        index.add_child(instance=NewsPage(title=f"Brève {n}", slug=f"breve-{n}"))
    with CaptureQueriesContext(connection) as second:
        client.get("/")
    assert len(second) == len(first)


def test_demo_agent_edits_their_communes_pages_and_settings_only(demo, client, other_commune):
    credentials = json.loads(demo.read_text())
    client.login(email=credentials["agent"]["email"], password=credentials["agent"]["password"])
    verify_session(client, get_user_model().objects.get(email=AGENT_EMAIL))
    commune = get_user_model().objects.get(email=AGENT_EMAIL).agent.commune
    assert client.get(f"/admin/pages/{commune.site.root_page_id}/").status_code == 200
    own = client.get(f"/admin/settings/ecommune_core/commune/{commune.site_id}/")
    assert own.status_code == 200
    other = client.get(f"/admin/settings/ecommune_core/commune/{other_commune.site_id}/")
    assert other.status_code in (302, 403)
    page = client.get("/admin/ecommune/services/")
    assert page.status_code == 200
    assert commune.name in page.content.decode()
    assert other_commune.name not in page.content.decode()


def test_the_demo_life_events_name_their_appointments(demo, client):
    html = client.get("/evenements-de-vie/jattends-ou-jai-un-enfant/").content.decode()
    assert "Déclaration de naissance ou reconnaissance" in html
    papers = client.get("/evenements-de-vie/jai-besoin-dune-carte-didentite-ou-dun-passeport/")
    assert papers.status_code == 200
    html = papers.content.decode()
    assert "Dépôt de demande de passeport" in html and "Retrait de passeport" in html


def test_the_demo_resident_finds_something_in_every_part_of_my_space(demo, client):
    """Issue 17: a newcomer trying the demo sees an invoice to pay, an appointment coming,
    a request waiting for a missing piece and a survey to answer, once however many times
    the demo is seeded."""
    from ecommune.appointments.models import Booking
    from ecommune.payments.models import Invoice
    from ecommune.requests.models import Document, Request

    seed_demo(demo)
    resident = get_user_model().objects.get(email=RESIDENT_EMAIL)
    assert Invoice.unscoped.count() == 1
    assert Booking.unscoped.filter(user=resident).count() == 1
    assert Request.unscoped.filter(applicant=resident).count() == 2
    assert Document.unscoped.filter(owner=resident).count() == 2
    client.force_login(resident)
    from html import unescape

    page = unescape(client.get("/compte/espace/").content.decode())
    waiting = Request.unscoped.get(applicant=resident, status="waiting_resident")
    assert f"/demarches/demande/{waiting.reference}/repondre/" in page
    assert "33,60 €" in page
    assert "Retrait de passeport ou de carte d'identité" in page
    assert "Donner votre avis sur « " in page
    assert "Lucas Lefebvre" in page


def test_the_demo_hall_booking_is_designed_published_and_listed(demo, client):
    """« Réservation d'une salle municipale » comes from the designer's models (the kit's
    template), not from code, and the portal lists it with the other services."""
    from ecommune.core.tenancy import using
    from ecommune.procedures.models import Procedure

    commune = Commune.unscoped.get()
    with using(commune):
        procedure = Procedure.objects.get()
        assert procedure.template == "reservation-salle" and procedure.versions.count() == 1
    html = client.get("/").content.decode()
    assert "Réservation d&#x27;une salle municipale" in html or "Réservation d'une salle" in html
    assert f"/demarches/{procedure.slug}/" in html
    agent = get_user_model().objects.get(email=AGENT_EMAIL).agent
    assert procedure.slug in agent.services
