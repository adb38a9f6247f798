"""Publishing a designed procedure puts it on the portal as the coded services are: its own
service page, and a line in the life event pages of the moments it names."""

import pytest

from ecommune.cms.models import LifeEventPage, ServicePage
from ecommune.core.tenancy import using
from ecommune.procedures.publishing import publish_procedure
from tests.cms.conftest import full_commune  # noqa: F401  (fixture)
from tests.procedures.test_designed_service import design

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "commune-a.test"}


def life_event(key):
    return LifeEventPage.objects.get(event_key=key)


def test_the_first_publication_adds_its_service_page_and_life_events(
    client,
    full_commune,  # noqa: F811
    private_storage,
):
    procedure = design(full_commune, life_events=["moving", "school"])
    assert not ServicePage.objects.filter(service_slug="pret-materiel").exists()
    publish_procedure(procedure)
    page = ServicePage.objects.get(service_slug="pret-materiel")
    assert page.live and page.title == "Prêt de matériel"
    assert page.get_parent().specific.__class__.__name__ == "ServiceIndexPage"
    html = client.get(page.url, **HOST).content.decode()
    assert "Empruntez des tables et des chaises." in html
    assert "/demarches/pret-materiel/" in html
    for key in ("moving", "school"):
        event = life_event(key)
        assert "pret-materiel" in event.services
        assert event.get_latest_revision().content["services"] == event.services
        event_html = client.get(event.url, **HOST).content.decode()
        assert "Prêt de matériel" in event_html
    assert "pret-materiel" not in life_event("birth").services


def test_a_later_version_leaves_alone_a_page_an_editor_took_it_off(
    full_commune,  # noqa: F811
    private_storage,
):
    procedure = design(full_commune, life_events=["moving"])
    publish_procedure(procedure)
    event = life_event("moving")
    event.services = [slug for slug in event.services if slug != "pret-materiel"]
    event.save_revision().publish()
    procedure.summary = "Empruntez des tables, des chaises et des barrières."
    procedure.life_events = ["moving", "death"]
    procedure.save()
    assert publish_procedure(procedure).number == 2
    assert "pret-materiel" not in life_event("moving").services  # the editor's choice stands
    assert "pret-materiel" in life_event("death").services  # newly named
    assert ServicePage.objects.filter(service_slug="pret-materiel").count() == 1


def test_an_editors_draft_stays_a_draft_with_the_service_in_it(
    full_commune,  # noqa: F811
    private_storage,
):
    event = life_event("moving")
    draft = event.get_latest_revision_as_object()
    draft.intro = "Brouillon de l'éditeur."
    draft.save_revision()
    publish_procedure(design(full_commune, life_events=["moving"]))
    event = life_event("moving")
    assert event.has_unpublished_changes and "pret-materiel" in event.services
    latest = event.get_latest_revision_as_object()
    assert latest.intro == "Brouillon de l'éditeur." and "pret-materiel" in latest.services


def test_the_portal_of_another_commune_is_untouched(
    full_commune,  # noqa: F811
    private_storage,
):
    from ecommune.testing.factories import make_commune

    other = make_commune("Commune-B", "commune-b.test")
    with using(other):
        publish_procedure(design(other, life_events=["moving"]))
    assert not ServicePage.objects.filter(service_slug="pret-materiel").exists()
    assert "pret-materiel" not in life_event("moving").services
