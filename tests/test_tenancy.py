"""One install, two communes: each sees only its own data."""

import pytest

from ecommune.core import tenancy
from ecommune.core.models import Commune
from ecommune.services.school.models import School
from ecommune.testing.factories import AgentFactory, SchoolFactory
from ecommune.testing.otp import login_agent

pytestmark = [pytest.mark.django_db, pytest.mark.outside_commune]


@pytest.fixture
def two_communes(commune, other_commune):
    with tenancy.using(commune):
        SchoolFactory(name="École de A")
    with tenancy.using(other_commune):
        SchoolFactory(name="École de B")
    return commune, other_commune


def test_scoped_manager_shows_only_the_current_communes_rows(two_communes):
    a, b = two_communes
    with tenancy.using(a):
        assert [s.name for s in School.objects.all()] == ["École de A"]
        assert list(Commune.objects.all()) == [a]
    with tenancy.using(b):
        assert [s.name for s in School.objects.all()] == ["École de B"]
    assert School.unscoped.count() == 2


def test_a_row_saved_inside_a_commune_belongs_to_it(commune):
    with tenancy.using(commune):
        school = School.objects.create(
            name="Nouvelle école", street_address="x", postal_code="44000", city="A"
        )
    assert school.commune == commune


def test_a_commune_owned_row_cannot_be_saved_without_a_commune(db):
    with pytest.raises(ValueError, match="belongs to a commune"):
        School(name="Orpheline", street_address="x", postal_code="44000", city="X").save()


def test_each_commune_site_shows_its_own_name(client, two_communes):
    a, b = two_communes
    page_a = client.get("/", HTTP_HOST="commune-a.test")
    page_b = client.get("/", HTTP_HOST="commune-b.test")
    assert page_a.status_code == page_b.status_code == 200
    assert "Commune-A" in page_a.content.decode() and "Commune-B" not in page_a.content.decode()
    assert "Commune-B" in page_b.content.decode() and "Commune-A" not in page_b.content.decode()


def test_the_middleware_scopes_the_request_to_the_host_commune(rf, two_communes):
    from ecommune.core.middleware import CurrentCommuneMiddleware

    seen = {}

    def view(request):
        seen["schools"] = [s.name for s in School.objects.all()]
        seen["commune"] = request.commune
        from django.http import HttpResponse

        return HttpResponse()

    CurrentCommuneMiddleware(view)(rf.get("/", HTTP_HOST="commune-b.test"))
    assert seen == {"schools": ["École de B"], "commune": two_communes[1]}
    assert tenancy.get_current_commune() is None


def test_an_agent_sees_only_their_commune_in_the_back_office(client, two_communes):
    a, b = two_communes
    agent = AgentFactory(commune=a)
    from django.contrib.auth.models import Permission

    agent.user.user_permissions.add(Permission.objects.get(codename="change_commune"))
    login_agent(client, agent.user)
    # Even on commune B's host name, the back office serves the agent's own commune.
    page = client.get("/admin/ecommune/services/", HTTP_HOST="commune-b.test")
    assert page.status_code == 200
    assert "Commune-A" in page.content.decode()
    assert "Commune-B" not in page.content.decode()


def test_a_resident_cannot_open_the_service_catalogue(client, commune):
    from ecommune.testing.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/admin/ecommune/services/").status_code in (302, 403)
