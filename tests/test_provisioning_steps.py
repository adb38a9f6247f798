"""Setting a commune up: core makes the site and the settings, the apps above it add their
part through provisioning steps (core never imports them)."""

import pytest
from wagtail.models import Page

from ecommune.cms.models import HomePage, ServiceIndexPage
from ecommune.cms.provisioning import PORTAL_STEP
from ecommune.core import provisioning
from ecommune.core.provisioning import CommuneData, setup_commune

pytestmark = [pytest.mark.django_db, pytest.mark.outside_commune]

DATA = CommuneData(name="Bourg-Neuf", insee_code="44010", postal_codes="44100", domain="b.test")


def test_the_portal_registers_its_home_page_and_its_pages():
    assert provisioning.steps.get("portal_pages") is PORTAL_STEP
    commune = setup_commune(DATA, portal_pages=True)
    home = commune.site.root_page.specific
    assert isinstance(home, HomePage) and home.title == "Bourg-Neuf"
    assert ServiceIndexPage.objects.child_of(home).exists()


def test_without_steps_core_sets_a_commune_up_on_a_plain_page(monkeypatch):
    monkeypatch.setattr(provisioning, "steps", provisioning.Registry("provisioning step"))
    commune = setup_commune(DATA, portal_pages=True)
    home = commune.site.root_page.specific
    assert type(home) is Page and home.title == "Bourg-Neuf"
    assert not home.get_children().exists()
