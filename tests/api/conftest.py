"""A commune with something behind every endpoint of the public API, and a second one."""

import datetime

import pytest
from django.utils import timezone

from ecommune.core import tenancy
from ecommune.testing.factories import OFFICE_HOURS, make_commune, make_counter

HOST_A = "commune-api-a.test"
HOST_B = "commune-api-b.test"


def furnish(commune, tag: str):
    """Counters, a motive, a queue, news, an event and survey answers for ``commune``; the
    names carry ``tag`` so that a test can tell the communes' data apart."""
    from ecommune.appointments.models import Desk, Motive, QueueTicket
    from ecommune.cms.models import EventPage, NewsIndexPage, NewsPage

    with tenancy.using(commune):
        commune.enabled_services = ["contact", "civil_status", "elections"]
        commune.street_address = f"1 place {tag}"
        commune.contact_email = f"mairie@{tag.lower()}.example.org"
        commune.save()
        counter = make_counter(commune, f"Guichet {tag}", openings=OFFICE_HOURS, location="RDC")
        motive = Motive.objects.create(name=f"Passeport {tag}", slug=f"passeport-{tag.lower()}")
        motive.counters.add(counter)
        Desk.objects.create(counter=counter, name="Guichet 1", is_open=True)
        QueueTicket.objects.create(counter=counter, number=1, phone="+33612345678")
    home = commune.site.root_page
    news_index = home.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))
    news_index.add_child(
        instance=NewsPage(title=f"Nouvelle {tag}", slug="nouvelle", summary=f"Résumé {tag}")
    )
    start = timezone.now() + datetime.timedelta(days=3)
    news_index.add_child(
        instance=EventPage(title=f"Fête {tag}", slug="fete", start=start, place=f"Place {tag}")
    )
    return counter, motive


@pytest.fixture
def api_communes(db, settings):
    settings.ECOMMUNE_API_THROTTLE_RATE = None
    a = make_commune("Commune-API-A", HOST_A, insee_code="44101")
    b = make_commune("Commune-API-B", HOST_B, insee_code="44102")
    furnish(a, "Alpha")
    furnish(b, "Beta")
    return a, b
