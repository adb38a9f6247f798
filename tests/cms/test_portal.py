"""The town portal's pages: legal pages, service and life-event pages, home, search, robots."""

import datetime
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from ecommune.cms.models import (
    AccessibilityPage,
    HomePage,
    LegalNoticePage,
    LifeEventPage,
    NewsIndexPage,
    NewsPage,
    PersonalDataPage,
    ServicePage,
    SitemapPage,
)
from ecommune.cms.privacy import Processing, processing_of
from ecommune.core.portal_cache import forget_portal
from ecommune.core.provisioning import CommuneData, setup_commune
from ecommune.core.registry import registry
from ecommune.servicepublic.importer import SAMPLE_DIR, import_publications

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "commune-a.test"}


def get(client, path):
    response = client.get(path, **HOST)
    assert response.status_code == 200, path
    return unescape(response.content.decode())


def home_of(commune):
    return commune.site.root_page.specific


def test_a_new_commune_gets_its_legal_pages_filled_with_its_data(full_commune):
    home = home_of(full_commune)
    notice = LegalNoticePage.objects.child_of(home).get()
    assert notice.slug == "mentions-legales"
    assert notice.publisher == "Mairie de Commune-A"
    assert notice.publisher_address == "2 rue de la Mairie, 44000 Commune-A"
    assert notice.publication_director == "Le maire de Commune-A"
    privacy = PersonalDataPage.objects.child_of(home).get()
    assert privacy.slug == "donnees-personnelles"
    assert privacy.dpo_email == "mairie@commune-a.test"
    assert AccessibilityPage.objects.child_of(home).get().slug == "accessibilite"
    assert SitemapPage.objects.child_of(home).get().slug == "plan-du-site"


def test_setting_up_a_commune_again_keeps_the_pages_and_their_edits(full_commune):
    notice = LegalNoticePage.objects.child_of(home_of(full_commune)).get()
    notice.host_name = "Hébergeur SAS"
    notice.save()
    before = Page.objects.count()
    setup_commune(
        CommuneData(
            name="Commune-A", insee_code="44001", postal_codes="44000", domain="commune-a.test"
        ),
        portal_pages=True,
    )
    assert Page.objects.count() == before
    notice.refresh_from_db()
    assert notice.host_name == "Hébergeur SAS"


def test_every_page_links_to_the_legal_pages_in_its_footer(full_commune, client):
    import_publications(SAMPLE_DIR)
    paths = [p.url for p in Page.objects.live().filter(depth__gte=2)]
    paths += ["/recherche/?q=mairie", "/vos-droits/", "/vos-droits/F1367/"]
    for path in paths:
        html = get(client, path)
        footer = html[html.index('<footer class="ec-footer"') :]
        for href, label in [
            ("/mentions-legales/", "Mentions légales"),
            ("/donnees-personnelles/", "Données personnelles"),
            ("/accessibilite/", "Accessibilité"),
            ("/plan-du-site/", "Plan du site"),
        ]:
            assert f'href="{href}">{label}</a>' in footer, path
        assert "Accessibilité : non conforme" in footer, path


def test_the_legal_notice_names_publisher_director_and_host(full_commune, client):
    html = get(client, "/mentions-legales/")
    assert "Mairie de Commune-A" in html
    assert "Directeur ou directrice de la publication : Le maire de Commune-A" in html
    assert "Hébergeur" in html


def test_personal_data_lists_each_enabled_service_processing(full_commune, client):
    full_commune.enabled_services = ["contact", "elections"]
    full_commune.save()
    html = get(client, "/donnees-personnelles/")
    assert "Écrire à la mairie" in html
    assert "Inscrire les électeurs sur la liste électorale de la commune." in html
    assert "Obligation légale (RGPD, art. 6-1-c)" in html
    assert "Délivrer des copies et extraits d'actes d'état civil." not in html
    assert "mailto:mairie@commune-a.test" in html
    assert "CNIL" in html


def test_personal_data_lists_what_is_kept_beside_the_services(full_commune, client, settings):
    """Appointments, accounts, drafts, the family space and invoices hold personal data too:
    the register names each with its retention, the appointments' and drafts' read from the
    settings."""
    from ecommune.core.services import register_entries

    settings.ECOMMUNE_APPOINTMENT_RETENTION_DAYS = 90
    settings.ECOMMUNE_DRAFT_RETENTION_DAYS = 45
    html = get(client, "/donnees-personnelles/")
    for entry in register_entries:
        assert str(entry.title) in html
    assert {"appointments", "accounts", "drafts", "family", "payments"} <= set(
        register_entries.keys()
    )
    assert "effacés 90 jours après le rendez-vous" in html
    assert "45 jours après sa dernière modification" in html


def test_a_service_may_declare_its_own_processing():
    class Declared:
        slug = "declared"
        title = "Declared"
        summary = ""
        personal_data = Processing("p", "b", "d", "r", "to")

    class Silent:
        slug = "silent"
        title = "Silent"
        summary = "Summary of the silent service"

    assert processing_of(Declared).purpose == "p"
    assert processing_of(Silent).purpose == "Summary of the silent service"
    assert processing_of(registry.get("contact")).retention


def test_an_accessibility_level_needs_its_audit_date(full_commune):
    page = AccessibilityPage.objects.child_of(home_of(full_commune)).get()
    page.conformity = "partial"
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "exige la date de l'audit" in str(error.value.message_dict["audit_date"])
    page.audit_date = datetime.date(2026, 3, 1)
    page.compliance_rate = 120
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "compris entre 0 et 100" in str(error.value.message_dict["compliance_rate"])


def test_the_accessibility_statement_shows_level_audit_and_how_to_report(full_commune, client):
    page = AccessibilityPage.objects.child_of(home_of(full_commune)).get()
    page.conformity, page.compliance_rate = "partial", 75
    page.audit_date = datetime.date(2026, 3, 12)
    page.save()
    html = get(client, "/accessibilite/")
    assert "partiellement conforme avec le RGAA version 4.1" in html
    assert "75 % des critères du RGAA sont respectés." in html
    assert "Audit réalisé le 12 mars 2026" in html
    assert 'href="/demarches/contact/"' in html
    assert "Défenseur des droits" in html
    assert "Accessibilité : partiellement conforme" in html


def test_the_site_map_lists_the_pages_as_a_tree(full_commune, client):
    html = get(client, "/plan-du-site/")
    assert 'href="/demarches-en-ligne/">Démarches en ligne</a>' in html
    assert 'href="/demarches-en-ligne/ecrire-a-la-mairie/">Écrire à la mairie</a>' in html
    assert "Je déménage" in html


def test_each_enabled_service_has_a_page_whose_button_starts_its_wizard(full_commune, client):
    slugs = set(ServicePage.objects.values_list("service_slug", flat=True))
    assert slugs == {service.slug for service in full_commune.services()}
    html = get(client, "/demarches-en-ligne/sinscrire-sur-les-listes-electorales/")
    assert 'href="/demarches/elections/">Faire la demande en ligne</a>' in html
    assert "Délai" in html and "5 jours ouvrés" in html
    assert "Qui peut faire la demande" in html
    assert "Un justificatif d'identité et un justificatif de domicile de moins de 3 mois." in html


def test_a_service_page_of_a_disabled_service_has_no_start_button(full_commune, client):
    full_commune.enabled_services = ["contact"]
    full_commune.save()
    html = get(client, "/demarches-en-ligne/sinscrire-sur-les-listes-electorales/")
    assert "/demarches/elections/" not in html
    assert "ne peut pas être faite en ligne" in html


def test_service_and_life_event_pages_link_the_imported_fiches(full_commune, client):
    import_publications(SAMPLE_DIR)
    html = get(client, "/demarches-en-ligne/sinscrire-sur-les-listes-electorales/")
    assert 'href="/vos-droits/F1367/">Listes électorales : en cas de première inscription' in html
    event = get(client, "/evenements-de-vie/elections/")
    assert 'href="/vos-droits/F1367/"' in event
    assert 'href="/demarches-en-ligne/sinscrire-sur-les-listes-electorales/"' in event
    assert 'href="/demarches/elections/"' in event


def test_a_life_event_shows_only_the_services_the_commune_offers(full_commune, client):
    full_commune.enabled_services = ["contact"]
    full_commune.save()
    html = get(client, "/evenements-de-vie/je-demenage/")
    assert "Écrire à la mairie" in html
    assert "/demarches/elections/" not in html


def test_a_commune_adds_its_own_life_event(full_commune, client):
    index = LifeEventPage.objects.first().get_parent()
    index.add_child(
        instance=LifeEventPage(
            title="J'arrive dans la commune", slug="arrivee", services=["contact"]
        )
    )
    html = get(client, "/evenements-de-vie/")
    assert "J'arrive dans la commune" in html
    assert 'href="/demarches/contact/"' in get(client, "/evenements-de-vie/arrivee/")


def test_a_life_event_lists_the_appointments_it_calls_for(full_commune, other_commune, client):
    from ecommune.appointments.models import Motive

    def motive(commune, name, slug, **fields):
        return Motive.unscoped.create(commune=commune, name=name, slug=slug, **fields)

    passport = motive(full_commune, "Dépôt de passeport", "passeport", instructions="Photo")
    closed = motive(full_commune, "Ancien motif", "ancien", active=False)
    elsewhere = motive(other_commune, "Passeport ailleurs", "passeport-b")
    event = LifeEventPage.objects.get(slug="jai-besoin-dune-carte-didentite-ou-dun-passeport")
    event.motives.set([passport, closed, elsewhere])
    event.save_revision().publish()
    html = get(client, event.url)
    section = html.split('id="motives-title"')[1].split("</section>")[0]
    assert 'href="/rendez-vous/passeport/">Dépôt de passeport</a>' in section
    assert "Pièces à apporter : Photo" in section
    assert "Ancien motif" not in section and "Passeport ailleurs" not in section


def test_life_event_fiche_identifiers_are_checked(full_commune):
    event = LifeEventPage.objects.first()
    event.fiches = "F1367, pas-une-fiche"
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "identifiants service-public.fr" in str(error.value.message_dict["fiches"])


def test_home_reaches_every_service_in_two_clicks(full_commune, client):
    html = get(client, "/")
    for service in full_commune.services():
        page = ServicePage.objects.get(service_slug=service.slug)
        assert f'href="/demarches/{service.slug}/"' in html  # start at once
        assert f'href="{page.url}"' in html  # or read about it first…
        assert f'href="/demarches/{service.slug}/"' in get(client, page.url)  # …then start
    assert "Vos démarches selon votre situation" in html
    assert 'href="/evenements-de-vie/je-demenage/">Je déménage</a>' in html


def test_home_says_open_now_or_closed_now(full_commune, client):
    from ecommune.core.models import OpeningPeriod

    OpeningPeriod.objects.create(
        commune=full_commune, weekday=0, opens_at=datetime.time(9), closes_at=datetime.time(12)
    )
    tz = datetime.timezone(datetime.timedelta(hours=1))
    with time_machine.travel(datetime.datetime(2026, 11, 30, 10, 0, tzinfo=tz), tick=False):
        assert "Ouvert en ce moment" in get(client, "/")
    with time_machine.travel(datetime.datetime(2026, 11, 30, 14, 0, tzinfo=tz), tick=False):
        assert "Fermé en ce moment" in get(client, "/")


def test_the_alert_banner_shows_only_when_switched_on(full_commune, client):
    home = HomePage.objects.get(pk=full_commune.site.root_page_id)
    home.alert_text = "Canicule : la mairie ferme à 16 h."
    home.save()
    assert "Canicule" not in get(client, "/")
    home.alert_active = True
    home.save()
    assert 'role="alert"><p>Canicule : la mairie ferme à 16 h.</p>' in get(client, "/")


def test_search_finds_pages_and_fiches(full_commune, client):
    import_publications(SAMPLE_DIR)
    html = get(client, "/recherche/?q=électorales")
    assert 'href="/vos-droits/F1367/"' in html
    html = get(client, "/recherche/?q=accessibilité")
    assert 'href="/accessibilite/"' in html
    assert "Aucune fiche ne correspond" in get(client, "/recherche/?q=zzzyyyxxx")


def test_search_shows_only_this_communes_pages(full_commune, other_commune, client):
    html = get(client, "/recherche/?q=Commune-B")
    assert "commune-b" not in html.split('id="pages-title"')[1]


def test_robots_txt_points_to_the_sitemap_and_hides_private_pages(full_commune, client):
    response = client.get("/robots.txt", **HOST)
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://commune-a.test/sitemap.xml" in text
    assert "Disallow: /admin/" in text and "Disallow: /compte/" in text


def test_portal_page_queries_do_not_grow_with_content(full_commune, client):
    """The queries of each page, rendered afresh (portal cache just forgotten) and from the
    cache, are as many with five more news items and life events."""
    import_publications(SAMPLE_DIR)
    paths = [
        "/",
        "/evenements-de-vie/elections/",
        "/plan-du-site/",
        "/vos-droits/F1367/",
        "/demarches-en-ligne/",
        "/demarches-en-ligne/sinscrire-sur-les-listes-electorales/",
    ]

    def counts():
        found = {}
        for path in paths:
            forget_portal()
            for state in ("fresh", "cached"):
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(path, **HOST).status_code == 200, path
                found[path, state] = len(queries)
        return found

    for path in paths:
        client.get(path, **HOST)
    first = counts()
    assert first["/", "cached"] < first["/", "fresh"]
    index = NewsIndexPage.objects.first() or home_of(full_commune).add_child(
        instance=NewsIndexPage(title="Actualités", slug="actualites")
    )
    for n in range(5):
        index.add_child(instance=NewsPage(title=f"Brève {n}", slug=f"breve-{n}"))
    events = LifeEventPage.objects.first().get_parent()
    for n in range(5):
        events.add_child(instance=LifeEventPage(title=f"Événement {n}", slug=f"evenement-{n}"))
    assert counts() == first
