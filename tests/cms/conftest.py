import pytest


@pytest.fixture
def full_commune(db):
    """Commune-A (commune-a.test, the default site) with its contact data and the portal's
    pages, as ``ecommune_setup_commune`` creates them."""
    from wagtail.models import Site

    from ecommune.core.provisioning import (
        CommuneData,
        remove_wagtail_welcome_page,
        setup_commune,
    )

    remove_wagtail_welcome_page()
    commune = setup_commune(
        CommuneData(
            name="Commune-A",
            insee_code="44001",
            postal_codes="44000",
            domain="commune-a.test",
            contact_email="mairie@commune-a.test",
            contact_phone="02 40 11 22 33",
            street_address="2 rue de la Mairie",
            address_postal_code="44000",
            address_city="Commune-A",
        ),
        portal_pages=True,
    )
    Site.objects.filter(pk=commune.site_id).update(is_default_site=True)
    return commune
