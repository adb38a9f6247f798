"""Open Graph and the web app manifest, the contact page, events listed with the news, and
service pages that follow the services a commune enables."""

import datetime
import io
import json
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from ecommune.cms.models import (
    ContactPage,
    EventPage,
    NewsIndexPage,
    ServiceIndexPage,
    ServicePage,
)
from ecommune.core.models import Commune, OpeningPeriod
from ecommune.core.provisioning import CommuneData, setup_commune
from ecommune.core.registry import registry

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "commune-a.test"}


def get(client, path):
    response = client.get(path, **HOST)
    assert response.status_code == 200, path
    return unescape(response.content.decode())


def meta(html, prop):
    marker = f'<meta property="{prop}" content="'
    assert marker in html, prop
    return html.split(marker, 1)[1].split('"', 1)[0]


def home_of(commune):
    return commune.site.root_page.specific


def news_index(commune):
    return NewsIndexPage.objects.child_of(home_of(commune)).get()


def add_event(commune, title, start, end=None, **fields):
    event = EventPage(title=title, start=start, end=end, **fields)
    news_index(commune).add_child(instance=event)
    return event


# Open Graph and the manifest


@pytest.mark.parametrize("theme", ["commune", "dsfr"])
def test_every_page_carries_open_graph_and_the_manifest_link(full_commune, client, theme):
    Commune.unscoped.update(theme=theme)
    for path in ["/", "/mentions-legales/", "/contact/", "/recherche/?q=mairie"]:
        html = get(client, path)
        assert meta(html, "og:site_name") == "Commune-A", path
        assert meta(html, "og:locale") == "fr_FR"
        assert meta(html, "og:type") == "website"
        assert meta(html, "og:url") == f"http://commune-a.test{path.replace('&', '&amp;')}"
        assert meta(html, "og:image") == "http://commune-a.test/ecommune/icon-512.png"
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    html = get(client, "/mentions-legales/")
    assert meta(html, "og:title") == "Mentions légales"
    assert meta(html, "og:description") == "Site officiel de la commune de Commune-A"


def test_a_news_item_is_an_article_described_by_its_summary(full_commune, client):
    from ecommune.cms.models import NewsPage

    news_index(full_commune).add_child(
        instance=NewsPage(title="Travaux", slug="travaux", summary="La rue est fermée lundi.")
    )
    html = get(client, "/actualites/travaux/")
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "Travaux"
    assert meta(html, "og:description") == "La rue est fermée lundi."


def test_a_fiche_is_shared_with_its_own_title_and_description(full_commune, client):
    from ecommune.servicepublic.importer import SAMPLE_DIR, import_publications

    import_publications(SAMPLE_DIR)
    html = get(client, "/vos-droits/F1367/")
    assert meta(html, "og:title") == "Listes électorales : en cas de première inscription"
    assert meta(html, "og:description").startswith("Pour voter, il faut être inscrit")


def test_the_coat_of_arms_is_the_shared_image(full_commune, client):
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image as WagtailImage

    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), "#c00000").save(buffer, format="PNG")
    arms = WagtailImage.objects.create(
        title="Blason", file=ImageFile(io.BytesIO(buffer.getvalue()), name="blason.png")
    )
    Commune.unscoped.update(coat_of_arms=arms)
    image = meta(get(client, "/"), "og:image")
    assert image.startswith("http://commune-a.test/") and "blason" in image
    icon = Image.open(io.BytesIO(client.get("/ecommune/icon-192.png", **HOST).content))
    assert icon.size == (192, 192)
    assert icon.getpixel((96, 96))[:3] == (192, 0, 0)  # the arms, centred
    assert icon.getpixel((2, 2))[:3] == (255, 255, 255)


def test_the_manifest_names_the_commune_with_its_colour_and_icons(full_commune, client):
    Commune.unscoped.update(main_colour="#7a1f5c")
    response = client.get("/manifest.webmanifest", **HOST)
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "Mairie de Commune-A"
    assert manifest["short_name"] == "Commune-A"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#7a1f5c"
    assert [icon["sizes"] for icon in manifest["icons"]] == ["192x192", "512x512"]
    for icon in manifest["icons"]:
        png = client.get(icon["src"], **HOST)
        assert png["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(png.content))
        assert image.size == (int(icon["sizes"].split("x")[0]),) * 2
        # The commune's colour behind the white town hall.
        assert image.getpixel((2, 2))[:3] == (0x7A, 0x1F, 0x5C)
        assert image.getpixel((image.width // 2, image.height // 2))[:3] == (255, 255, 255)
    assert client.get("/ecommune/icon-64.png", **HOST).status_code == 404


def test_the_dsfr_manifest_takes_the_states_blue(full_commune, client):
    Commune.unscoped.update(theme="dsfr")
    manifest = json.loads(client.get("/manifest.webmanifest", **HOST).content)
    assert manifest["theme_color"] == "#000091"


# The contact page


def test_a_new_commune_gets_a_contact_page_with_its_hours_and_the_contact_request(
    full_commune, client
):
    OpeningPeriod.objects.create(
        commune=full_commune,
        weekday=0,
        opens_at=datetime.time(8, 30),
        closes_at=datetime.time(12, 0),
    )
    page = ContactPage.objects.child_of(home_of(full_commune)).get()
    assert page.slug == "contact" and page.title == _("Contact the town hall")
    with time_machine.travel(
        datetime.datetime(2026, 6, 8, 9, 0, tzinfo=timezone.get_current_timezone())
    ):
        html = get(client, "/contact/")
    assert "2 rue de la Mairie" in html and "44000 Commune-A" in html
    assert 'href="tel:0240112233"' in html or "02 40 11 22 33" in html
    assert "Ouvert en ce moment" in html
    assert "8 h 30–12 h 00" in html
    assert 'href="/demarches/contact/"' in html


def test_without_the_contact_service_the_contact_page_gives_the_email(full_commune, client):
    Commune.unscoped.update(enabled_services=["civil_status"])
    html = get(client, "/contact/")
    assert 'href="/demarches/contact/"' not in html
    assert 'href="mailto:mairie@commune-a.test"' in html


def test_setting_up_again_keeps_a_single_contact_page(full_commune):
    page = ContactPage.objects.get()
    page.intro = "Notre texte"
    page.save()
    setup_commune(
        CommuneData(
            name="Commune-A", insee_code="44001", postal_codes="44000", domain="commune-a.test"
        ),
        portal_pages=True,
    )
    assert ContactPage.objects.get().intro == "Notre texte"


# Events


def test_the_news_index_lists_upcoming_events_soonest_first_in_french(full_commune, client):
    tz = timezone.get_current_timezone()
    add_event(
        full_commune,
        "Conseil municipal",
        datetime.datetime(2026, 6, 20, 19, 0, tzinfo=tz),
        place="Salle du conseil",
    )
    add_event(
        full_commune,
        "Fête de la musique",
        datetime.datetime(2026, 6, 13, 14, 0, tzinfo=tz),
        datetime.datetime(2026, 6, 13, 18, 30, tzinfo=tz),
    )
    add_event(
        full_commune,
        "Brocante",
        datetime.datetime(2026, 6, 6, 8, 0, tzinfo=tz),
        datetime.datetime(2026, 6, 6, 17, 0, tzinfo=tz),
    )
    add_event(
        full_commune,
        "Salon du livre",
        datetime.datetime(2026, 6, 9, 10, 0, tzinfo=tz),
        datetime.datetime(2026, 6, 11, 18, 0, tzinfo=tz),
    )
    with time_machine.travel(datetime.datetime(2026, 6, 10, 12, 0, tzinfo=tz)):
        html = get(client, "/actualites/")
    assert "Brocante" not in html  # over
    events = html.split('id="ec-events-title"')[1]
    assert events.index("Salon du livre") < events.index("Fête de la musique")
    assert events.index("Fête de la musique") < events.index("Conseil municipal")
    from_to = _("from %(start)s to %(end)s")
    at = _("at %(start)s")
    assert (
        "samedi 13 juin 2026</time>, " + from_to % {"start": "14 h 00", "end": "18 h 30"} in events
    )
    assert (
        "samedi 20 juin 2026</time>, " + at % {"start": "19 h 00"} + " — Salle du conseil" in events
    )
    assert (
        _("from %(start)s until %(end)s")
        % {"start": "mardi 9 juin 2026 à 10 h 00", "end": "jeudi 11 juin 2026 à 18 h 00"}
        in events
    )


def test_the_home_page_shows_the_next_three_events(full_commune, client):
    tz = timezone.get_current_timezone()
    for day, title in [(6, "Brocante"), (13, "Fête"), (20, "Conseil"), (27, "Bal"), (1, "Vœux")]:
        start = datetime.datetime(2026, 6, day, 19, 0, tzinfo=tz)
        add_event(full_commune, title, start, place="Salle des fêtes")
    with time_machine.travel(datetime.datetime(2026, 6, 10, 12, 0, tzinfo=tz)):
        html = get(client, "/")
    agenda = html.split('id="agenda-title"')[1].split("</section>")[0]
    assert "Brocante" not in agenda and "Vœux" not in agenda  # over
    assert agenda.index("Fête") < agenda.index("Conseil") < agenda.index("Bal")
    assert "samedi 13 juin 2026</time>" in agenda and "Salle des fêtes" in agenda
    assert 'href="/actualites/">Toutes les actualités et les événements</a>' in agenda


def test_the_event_page_says_when_and_where(full_commune, client):
    tz = timezone.get_current_timezone()
    add_event(
        full_commune,
        "Fête de la musique",
        datetime.datetime(2026, 6, 13, 14, 0, tzinfo=tz),
        datetime.datetime(2026, 6, 13, 18, 30, tzinfo=tz),
        slug="fete",
        place="Place de l'Église",
        body="<p>Scène ouverte.</p>",
    )
    html = get(client, "/actualites/fete/")
    assert '<time datetime="2026-06-13T14:00:00+02:00">samedi 13 juin 2026</time>' in html
    assert _("from %(start)s to %(end)s") % {"start": "14 h 00", "end": "18 h 30"} in html
    assert "Place de l'Église" in html
    assert "Scène ouverte." in html


def test_an_event_cannot_end_before_it_starts(full_commune):
    start = timezone.now()
    event = EventPage(
        title="À l'envers", slug="envers", start=start, end=start - datetime.timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end" in error.value.message_dict


# Service pages follow the enabled services


def test_enabling_a_service_creates_its_page_once(full_commune, client):
    full_commune.enabled_services = ["contact"]
    full_commune.save()
    index = ServiceIndexPage.objects.child_of(home_of(full_commune)).get()
    ServicePage.objects.filter(service_slug="elections").delete()
    assert (
        client.get("/demarches-en-ligne/sinscrire-sur-les-listes-electorales/", **HOST).status_code
        == 404
    )

    commune = Commune.unscoped.get(pk=full_commune.pk)
    commune.enabled_services = ["contact", "elections"]
    commune.save()
    page = ServicePage.objects.child_of(index).get(service_slug="elections")
    assert page.live and page.title == str(registry.get("elections").title)
    html = get(client, page.relative_url(commune.site))
    assert 'href="/demarches/elections/"' in html

    commune.save()  # saving again adds nothing
    assert ServicePage.objects.child_of(index).filter(service_slug="elections").count() == 1


def test_without_the_portal_saving_the_commune_creates_no_page(db):
    commune = setup_commune(
        CommuneData(name="Sans-Portail", insee_code="44002", postal_codes="44000", domain="b.test"),
        portal_pages=False,
    )
    commune.save()
    assert not ServicePage.objects.exists()
