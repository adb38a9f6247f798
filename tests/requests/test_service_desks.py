"""The kit's desk of a service: one Wagtail viewset per registered service without a desk of
its own, its list of the commune's requests by status linking to the shared inbox, its
menu entry and its access (the service's agents)."""

import pytest
from django.urls import reverse
from wagtail.admin.viewsets import viewsets

from ecommune.core.registry import registry
from ecommune.core.services import Processing, Service, Step
from ecommune.requests.desk import ServiceDesks, ServiceDeskViewSet, service_desks
from ecommune.requests.statuses import Status
from ecommune.services.contact.forms import MessageForm
from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent
from tests.requests.inbox_fixtures import *  # noqa: F403
from tests.requests.inbox_fixtures import file_request

pytestmark = pytest.mark.django_db

DESK = "/admin/demarches/contact/"


def registered_desks() -> dict:
    reverse("wagtailadmin_home")  # loads the admin URLconf, hence the viewsets
    return {
        viewset.service.slug: viewset
        for viewset in viewsets.viewsets
        if isinstance(viewset, ServiceDeskViewSet)
    }


def test_every_service_without_a_desk_of_its_own_has_the_kits_desk():
    desks = registered_desks()
    assert set(desks) == {service.slug for service in registry if not service.has_own_desk}
    assert "contact" in desks
    for slug, desk in desks.items():
        assert desk.access.service == slug
        assert desk.url_namespace == f"ecommune_desk_{slug}"
        assert reverse(f"ecommune_desk_{slug}:index") == f"/admin/demarches/{slug}/"


class PackagedService(Service):
    slug = "test-packaged"
    title = "Démarche d'un paquet (test)"
    summary = "Une démarche livrée par un paquet."
    processing = Processing(purpose="Tester le guichet.")
    steps = (Step("message", MessageForm),)


class WithItsOwnDesk(PackagedService):
    slug = "test-own-desk"
    has_own_desk = True


def test_the_desks_are_built_from_the_registry():
    for service in (PackagedService, WithItsOwnDesk):
        registry.register(service)
    try:
        (group,) = service_desks()
    finally:
        for service in (PackagedService, WithItsOwnDesk):
            registry.unregister(service.slug)
    assert isinstance(group, ServiceDesks)
    built = {desk.service.slug: desk for desk in group.registerables}
    assert "test-packaged" in built and "test-own-desk" not in built
    assert built["test-packaged"].access.service == "test-packaged"
    assert [p.name for p in built["test-packaged"].get_urlpatterns()] == ["index"]


def test_the_desk_lists_the_communes_requests_of_the_service_by_status(
    client, agent, contact_communes
):
    commune, other = contact_communes
    waiting = file_request(commune, status=Status.WAITING_RESIDENT)
    done = file_request(commune, status=Status.DONE)
    elsewhere = file_request(other)
    login_agent(client, agent.user)

    def listed(query=""):
        page = client.get(DESK + query)
        assert page.status_code == 200
        html = page.content.decode()
        return {r.reference for r in (waiting, done, elsewhere) if r.reference in html}, html

    found, html = listed()
    assert found == {waiting.reference, done.reference}
    assert f'href="/admin/demandes/{waiting.reference}/"' in html
    assert "En attente du demandeur" in html  # the agents' label
    assert listed("?status=open")[0] == {waiting.reference}
    assert listed("?status=done")[0] == {done.reference}
    assert listed("?status=nonsense")[0] == {waiting.reference, done.reference}


def test_only_the_services_agents_get_in_and_see_it_in_the_menu(client, agent, contact_communes):
    outsider = AgentFactory(commune=contact_communes[0], services=[])
    login_agent(client, outsider.user)
    refused = client.get(DESK)  # Wagtail turns the 403 into « no permission » at home
    assert (refused.status_code, refused.get("Location")) in ((403, None), (302, "/admin/"))
    assert DESK not in client.get("/admin/").content.decode()
    client.logout()
    login_agent(client, agent.user)
    menu = client.get("/admin/").content.decode()
    assert DESK in menu and "Demandes par d\\u00e9marche" in menu  # the sidebar is JSON
    assert "/admin/demarches/civil_status/" not in menu
