"""pytest fixtures for sites and services built on the kit."""

import pytest

from ecommune.core import tenancy
from ecommune.testing.factories import make_commune


@pytest.fixture
def commune(db):
    """A commune served on commune-a.test (its site is the default one)."""
    from wagtail.models import Site

    from ecommune.core.provisioning import remove_wagtail_welcome_page

    remove_wagtail_welcome_page()
    commune = make_commune("Commune-A", "commune-a.test")
    Site.objects.filter(pk=commune.site_id).update(is_default_site=True)
    return commune


@pytest.fixture
def other_commune(db):
    return make_commune("Commune-B", "commune-b.test", insee_code="2A004", postal_codes="20000")


@pytest.fixture
def as_commune():
    """Run a block as a commune: ``with as_commune(commune): …``."""
    return tenancy.using
