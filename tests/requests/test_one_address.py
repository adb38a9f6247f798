"""One address (issue 17.6): kept in the account, prefilled in every step that asks for it
(the civil-status delivery, the electoral registration, the school enrolment with its house
number apart, a designed procedure's address field); a different address sent in a request
is offered for the account on the acknowledgment, and kept only when the resident says so."""

import pytest
from django.test import Client
from django.urls import reverse

from ecommune.core.addresses import Address, AddressFields, address_fields_of, split_number
from ecommune.core.registry import registry
from ecommune.testing.factories import UserFactory
from ecommune.testing.wizard import APPLICANT, post_step, wizard_url
from tests.accounts.conftest import fr
from tests.services.test_civil_status import ACT, DELIVERY, civil  # noqa: F401

pytestmark = pytest.mark.django_db

HOME = {"street_address": "12 bis rue des Lilas", "postal_code": "44000", "city": "Commune-A"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def resident(civil, private_storage):  # noqa: F811
    return UserFactory(email="camille@example.org", **HOME)


def file_civil_status(client, delivery):
    for step, answers in (("applicant", APPLICANT), ("certificate", ACT), ("delivery", delivery)):
        assert post_step(client, "civil_status", step, answers).status_code == 302, step
    done = post_step(client, "civil_status", "confirm", {"certify": "on"})
    return client.get(done["Location"], follow=True)


def test_the_delivery_step_starts_with_the_accounts_address(resident):
    client = signed_in(resident)
    assert post_step(client, "civil_status", "applicant", APPLICANT).status_code == 302
    assert post_step(client, "civil_status", "certificate", ACT).status_code == 302
    form = client.get(wizard_url("civil_status", "delivery")).context["form"]
    assert form["street_address"].value() == "12 bis rue des Lilas"
    assert form["postal_code"].value() == "44000" and form["city"].value() == "Commune-A"


def test_an_anonymous_visitor_or_an_empty_account_gets_empty_fields(civil, private_storage):  # noqa: F811
    for client in (Client(), signed_in(UserFactory(email="vide@example.org"))):
        assert post_step(client, "civil_status", "applicant", APPLICANT).status_code == 302
        assert post_step(client, "civil_status", "certificate", ACT).status_code == 302
        form = client.get(wizard_url("civil_status", "delivery")).context["form"]
        assert not form["street_address"].value()


def test_every_coded_step_asking_an_address_declares_its_fields():
    """The kit's steps with a postcode field are the ones the engine prefills."""
    declared, undeclared = [], []
    for service in registry.coded():
        for step, form_class in service.form_steps():
            if "postal_code" in form_class.base_fields:
                target = declared if address_fields_of(form_class) else undeclared
                target.append(f"{service.slug}.{step}")
    assert undeclared == []
    assert {"civil_status.delivery", "school.child"} <= set(declared)
    assert any(name.startswith("elections.") for name in declared)


def test_a_house_number_asked_apart_is_split_from_the_street():
    fields = AddressFields("street_name", "postal_code", "city", number="street_number")
    assert fields.initial(Address("12 bis rue des Lilas", "44000", "Nantes")) == {
        "street_number": "12 bis",
        "street_name": "rue des Lilas",
        "postal_code": "44000",
        "city": "Nantes",
    }
    assert split_number("4B, avenue Foch") == ("4B", "avenue Foch")
    assert split_number("Lieu-dit La Croix") == ("", "Lieu-dit La Croix")
    assert fields.read({"street_number": "12 bis", "street_name": "rue des Lilas"}).street == (
        "12 bis rue des Lilas"
    )


def test_a_designed_procedures_address_field_is_prefilled_too():
    from ecommune.procedures.forms import step_form

    spec = {"name": "chez", "kind": "address", "label": "Adresse", "required": True}
    form_class = step_form({"name": "lieu", "fields": [spec]}, {"chez": spec})
    fields = address_fields_of(form_class)
    assert fields.initial(Address("3 place du Marché", "44000", "Nantes")) == {
        "chez__street": "3 place du Marché",
        "chez__postal_code": "44000",
        "chez__city": "Nantes",
    }
    form = form_class(initial=fields.initial(Address("3 place du Marché", "44000", "Nantes")))
    assert form["chez__street"].value() == "3 place du Marché"


def test_another_address_is_offered_for_the_account_and_kept_when_asked(resident):
    client = signed_in(resident)
    moved = {**DELIVERY, "street_address": "4 rue des Tilleuls"}
    page = file_civil_status(client, moved)
    text = page.content.decode()
    assert "4 rue des Tilleuls" in text
    assert reverse("ecommune_accounts:address_update") in text
    back = page.request["PATH_INFO"]
    kept = client.post(
        reverse("ecommune_accounts:address_update"), {"keep": "yes", "next": back}, follow=True
    )
    assert fr("Your address is updated in your account.") in kept.content.decode()
    assert reverse("ecommune_accounts:address_update") not in kept.content.decode()
    resident.refresh_from_db()
    assert resident.street_address == "4 rue des Tilleuls"


def test_no_thank_you_keeps_the_account_as_it_was(resident):
    client = signed_in(resident)
    file_civil_status(client, {**DELIVERY, "street_address": "4 rue des Tilleuls"})
    client.post(reverse("ecommune_accounts:address_update"), {"keep": "no"})
    resident.refresh_from_db()
    assert resident.street_address == HOME["street_address"]
    # The offer is gone: posting « yes » now changes nothing.
    client.post(reverse("ecommune_accounts:address_update"), {"keep": "yes"})
    resident.refresh_from_db()
    assert resident.street_address == HOME["street_address"]


def test_the_same_address_in_other_words_is_not_offered(resident):
    client = signed_in(resident)
    same = {**DELIVERY, "street_address": "12  BIS rue des lilas"}
    page = file_civil_status(client, same)
    assert reverse("ecommune_accounts:address_update") not in page.content.decode()


def test_the_update_reads_the_session_never_the_page_and_returns_only_to_this_site(resident):
    client = signed_in(resident)
    file_civil_status(client, {**DELIVERY, "street_address": "4 rue des Tilleuls"})
    answer = client.post(
        reverse("ecommune_accounts:address_update"),
        {"keep": "yes", "street_address": "piège", "next": "https://ailleurs.example/"},
    )
    assert answer["Location"] == reverse("ecommune_accounts:space")
    resident.refresh_from_db()
    assert resident.street_address == "4 rue des Tilleuls"


def test_the_family_space_shows_and_changes_the_one_address_of_the_account(resident):
    """« Ma famille » keeps no address of its own: it shows the account's, its form changes
    the account's, and a wizard's address kept on the acknowledgment shows there at once."""
    client = signed_in(resident)
    family = client.get(reverse("ecommune_families:family")).content.decode()
    assert "12 bis rue des Lilas, 44000 Commune-A" in family
    client.post(
        reverse("ecommune_families:address"),
        {"street_address": "7 place du Marché", "postal_code": "44000", "city": "Commune-A"},
    )
    resident.refresh_from_db()
    assert resident.street_address == "7 place du Marché"
    refused = client.post(
        reverse("ecommune_families:address"),
        {"street_address": "7 place du Marché", "postal_code": "440", "city": "Commune-A"},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["postal_code"]
    # Another address sent in a request, kept from the acknowledgment, is the family's at once.
    page = file_civil_status(client, {**DELIVERY, "street_address": "4 rue des Tilleuls"})
    back = page.request["PATH_INFO"]
    client.post(reverse("ecommune_accounts:address_update"), {"keep": "yes", "next": back})
    family = client.get(reverse("ecommune_families:family")).content.decode()
    assert "4 rue des Tilleuls, 44000 Commune-A" in family and "Lilas" not in family


def test_the_school_enrolment_starts_with_the_accounts_address_its_number_apart(resident, commune):
    commune.enabled_services = sorted({*commune.enabled_services, "school"})
    commune.save()
    client = signed_in(resident)
    assert post_step(client, "school", "applicant", APPLICANT).status_code == 302
    form = client.get(wizard_url("school", "child")).context["form"]
    assert form["street_number"].value() == "12 bis"
    assert form["street_name"].value() == "rue des Lilas"
    assert (form["postal_code"].value(), form["city"].value()) == ("44000", "Commune-A")
