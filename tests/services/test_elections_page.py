"""The electoral-roll service page of the portal tells the next registration deadline in
full and for which election; the demo commune announces an election ahead."""

import datetime
from html import unescape

import pytest
import time_machine

from ecommune.cms.models import ServicePage
from ecommune.core import tenancy
from ecommune.demo.seed import DEMO_ELECTION, _elections
from ecommune.services.elections.models import Election
from ecommune.services.elections.service import ElectionsService
from tests.cms.conftest import full_commune  # noqa: F401  (fixture)

D = datetime.date
NOW = datetime.datetime(2026, 1, 20, 10, tzinfo=datetime.UTC)
HOST = {"HTTP_HOST": "commune-a.test"}


@pytest.fixture
def portal(full_commune):  # noqa: F811
    full_commune.enabled_services = [*full_commune.enabled_services, "elections", "civil_status"]
    full_commune.save()
    return full_commune


def announce(commune):
    with tenancy.using(commune):
        Election.objects.create(
            name="élections municipales", kind="municipal", first_round=D(2026, 3, 15)
        )
        Election.objects.create(
            name="élections européennes", kind="european", first_round=D(2029, 6, 10)
        )


def service_page_html(client, slug):
    page = ServicePage.objects.get(service_slug=slug)
    response = client.get(page.url, **HOST)
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_service_page_shows_the_next_deadline_and_its_election(client, portal):
    html = service_page_html(client, "elections")
    assert str(ElectionsService.summary) in html  # no election announced: the summary only
    assert "au plus tard" not in html
    announce(portal)
    html = service_page_html(client, "elections")
    assert (
        "Pour voter aux élections municipales, inscrivez-vous au plus tard le "
        "vendredi 6 février 2026." in html
    )
    assert "Pour voter aux élections européennes" not in html  # only the next deadline


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 2, 7, 10, tzinfo=datetime.UTC), tick=False)
def test_once_a_deadline_passed_the_page_announces_the_next_one(client, portal):
    announce(portal)
    html = service_page_html(client, "elections")
    assert "Pour voter aux élections européennes" in html
    assert "vendredi 4 mai 2029" in html


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_another_service_page_shows_its_description_once(client, portal):
    html = service_page_html(client, "civil_status")
    from ecommune.core.registry import registry

    description = registry.get("civil_status").describe()
    assert f'<p class="ec-lead">{description}</p>' in html  # the page's introduction
    assert f"<p>{description}</p>" not in html  # not said twice


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("now", "kind"),
    [(datetime.datetime(2026, 11, 29, 10, tzinfo=datetime.UTC), "presidential")]
    + [(datetime.datetime(2027, 3, 6, 10, tzinfo=datetime.UTC), "municipal")],
)
def test_the_demo_announces_an_election_whose_deadline_is_ahead(portal, now, kind):
    with time_machine.travel(now, tick=False), tenancy.using(portal):
        _elections(portal)
        _elections(portal)  # idempotent
        election = Election.objects.get()
        today = now.date()
        assert election.kind == kind and election.registration_deadline >= today
        if kind == "presidential":
            assert election.first_round == DEMO_ELECTION[2]
            assert election.registration_deadline == D(2027, 3, 5)
        else:
            assert election.first_round.weekday() == 6  # a Sunday
        assert "au plus tard" in ElectionsService.describe()
