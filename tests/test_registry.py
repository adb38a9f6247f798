import pytest
from django.core.exceptions import ValidationError

from ecommune.core.models import Commune
from ecommune.core.registry import DuplicateService, Registry, registry
from ecommune.core.services import Service
from ecommune.testing.otp import verify_session


class CivilStatusForTests(Service):
    slug = "test-civil-status"
    title = "Actes d’état civil (test)"
    summary = "Demander une copie d'acte."
    processing_days = 5


@pytest.fixture
def admin_client(admin_client, admin_user):
    """pytest-django's, with the back office's second factor given."""
    verify_session(admin_client, admin_user)
    return admin_client


@pytest.fixture
def registered_service():
    registry.register(CivilStatusForTests)
    yield CivilStatusForTests
    registry.unregister(CivilStatusForTests.slug)


def test_a_second_service_with_the_same_slug_is_refused():
    local = Registry()
    local.register(CivilStatusForTests)

    class Impostor(Service):
        slug = "test-civil-status"
        title = "Autre"

    with pytest.raises(DuplicateService):
        local.register(Impostor)
    assert local.get("test-civil-status") is CivilStatusForTests


def test_a_service_without_slug_is_refused():
    class Nameless(Service):
        title = "Sans identifiant"

    with pytest.raises(ValueError):
        Registry().register(Nameless)


def test_enabled_services_must_be_registered(commune, registered_service):
    commune.enabled_services = ["test-civil-status"]
    commune.full_clean(exclude=["site", "coat_of_arms"])
    commune.enabled_services = ["test-civil-status", "no-such-service"]
    with pytest.raises(ValidationError) as error:
        commune.full_clean(exclude=["site", "coat_of_arms"])
    assert "enabled_services" in error.value.message_dict


def test_commune_lists_only_its_enabled_registered_services(commune, registered_service):
    commune.enabled_services = []
    assert commune.services() == []
    commune.enabled_services = ["test-civil-status"]
    assert commune.services() == [CivilStatusForTests]
    assert commune.has_service("test-civil-status")


def test_an_administrator_enables_a_service_in_the_commune_settings(
    commune, registered_service, admin_client
):
    url = f"/admin/settings/ecommune_core/commune/{commune.site_id}/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'value="test-civil-status"' in page.content
    form = page.context["form"]
    data = {**form.initial}
    post = {
        key: value for key, value in data.items() if value is not None and key != "coat_of_arms"
    }
    post.update(
        {
            "name": commune.name,
            "insee_code": commune.insee_code,
            "postal_codes": commune.postal_codes,
            "main_colour": commune.main_colour,
            "theme": "commune",
            "enabled_services": ["test-civil-status"],
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
            "opening_hours-MIN_NUM_FORMS": "0",
            "opening_hours-MAX_NUM_FORMS": "1000",
        }
    )
    response = admin_client.post(url, post)
    assert response.status_code == 302, response.context["form"].errors
    assert Commune.unscoped.get(pk=commune.pk).enabled_services == ["test-civil-status"]


def test_the_service_catalogue_lists_registered_services(commune, registered_service, admin_client):
    commune.enabled_services = ["test-civil-status"]
    commune.save()
    page = admin_client.get("/admin/ecommune/services/")
    assert page.status_code == 200
    assert "Actes d’état civil (test)".encode() in page.content
    assert commune.name.encode() in page.content


def test_a_request_names_one_registered_service(registered_service):
    """The validator takes a single slug as well as a list (it used to iterate its letters)."""
    from ecommune.core.registry import RegisteredServiceValidator

    validate = RegisteredServiceValidator()
    validate("test-civil-status")
    validate(["test-civil-status"])
    with pytest.raises(ValidationError):
        validate("no-such-service")
