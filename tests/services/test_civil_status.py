"""Civil-status certificates: the law on who may obtain which document and where to ask
(décret 2017-890 art. 30–32, Code du patrimoine L213-2, Code civil art. 80), applied in the
wizard with a French message next to the field, and a request filed end to end."""

import datetime

import pytest
import time_machine

from ecommune.notifications.models import OutboxMessage
from ecommune.requests.models import Request, RequestEvent
from ecommune.services.civil_status import rules
from ecommune.services.civil_status.models import CertificateRequest
from ecommune.services.civil_status.rules import ActType, DocumentType, Place, Relation
from ecommune.testing.factories import UserFactory
from tests.services.helpers import APPLICANT, errors_of, post_step

TODAY = datetime.date(2026, 11, 20)


# The rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relation",
    [
        Relation.SELF,
        Relation.SPOUSE,
        Relation.PARTNER,
        Relation.ASCENDANT,
        Relation.DESCENDANT,
        Relation.LEGAL_REPRESENTATIVE,
        Relation.PROFESSIONAL,
    ],
)
def test_the_persons_named_by_the_law_get_a_full_copy_of_a_recent_birth_act(relation):
    assert rules.is_entitled(
        ActType.BIRTH, DocumentType.FULL_COPY, relation, datetime.date(1990, 5, 4), TODAY
    )


@pytest.mark.parametrize(
    "document",
    [DocumentType.FULL_COPY, DocumentType.EXTRACT_WITH_PARENTAGE, DocumentType.MULTILINGUAL],
)
def test_another_person_is_refused_a_document_showing_the_parents(document):
    for act in (ActType.BIRTH, ActType.MARRIAGE):
        assert not rules.is_entitled(
            act, document, Relation.OTHER, datetime.date(1990, 5, 4), TODAY
        )


def test_anyone_gets_an_extract_without_parentage_and_a_death_act():
    born = datetime.date(2001, 1, 1)
    assert rules.is_entitled(
        ActType.BIRTH, DocumentType.EXTRACT_WITHOUT_PARENTAGE, Relation.OTHER, born, TODAY
    )
    assert rules.is_entitled(ActType.DEATH, DocumentType.FULL_COPY, Relation.OTHER, born, TODAY)


def test_an_act_is_open_to_anyone_75_years_after_its_register_closed():
    # The register of 1950 closed on 31 December 1950: open from 31 December 2025.
    act = datetime.date(1950, 3, 1)
    assert not rules.is_public(act, datetime.date(2025, 12, 30))
    assert rules.is_public(act, datetime.date(2025, 12, 31))
    assert rules.is_entitled(ActType.BIRTH, DocumentType.FULL_COPY, Relation.OTHER, act, TODAY)
    assert not rules.is_public(datetime.date(1951, 1, 1), TODAY)


def test_an_act_is_open_to_anyone_25_years_after_the_persons_death():
    born = datetime.date(1960, 1, 1)
    assert rules.is_public(born, TODAY, death_date=datetime.date(2001, 11, 20))
    assert not rules.is_public(born, TODAY, death_date=datetime.date(2001, 11, 21))


def test_a_death_act_has_no_extracts():
    assert rules.document_exists(ActType.DEATH, DocumentType.FULL_COPY)
    assert rules.document_exists(ActType.DEATH, DocumentType.MULTILINGUAL)
    assert not rules.document_exists(ActType.DEATH, DocumentType.EXTRACT_WITH_PARENTAGE)
    assert not rules.document_exists(ActType.DEATH, DocumentType.EXTRACT_WITHOUT_PARENTAGE)


def test_the_commune_keeps_its_own_events_and_the_deaths_of_its_last_residents():
    assert rules.is_competent(Place.HERE, ActType.BIRTH)
    assert rules.is_competent(Place.LAST_DOMICILE, ActType.DEATH)
    assert not rules.is_competent(Place.LAST_DOMICILE, ActType.BIRTH)
    assert not rules.is_competent(Place.ELSEWHERE, ActType.MARRIAGE)
    assert not rules.is_competent(Place.ABROAD, ActType.BIRTH)


# The wizard ----------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db

ACT = {
    "act_type": "birth",
    "document": "full_copy",
    "place": "here",
    "relation": "self",
    "last_name": "Martin",
    "first_names": "Camille Anne",
    "event_date": "1990-05-04",
    "parent1_name": "Martin Paul",
    "parent2_name": "Durand Sophie",
}
DELIVERY = {
    "copies": "2",
    "reason": "Passeport",
    "recipient": "Camille Martin",
    "street_address": "4 rue des Tilleuls",
    "postal_code": "44000",
    "city": "Commune-A",
    "country": "France",
}


@pytest.fixture
def civil(commune):
    commune.enabled_services = ["civil_status", "elections"]
    commune.save()
    return commune


def act_step(client, **changes):
    """The act step, after the engine's own first step (the wizard starts there)."""
    assert post_step(client, "civil_status", "applicant", APPLICANT).status_code == 302
    return post_step(client, "civil_status", "certificate", {**ACT, **changes})


@pytest.mark.django_db
def test_the_wizard_files_a_request_with_what_the_registry_office_needs(client, civil):
    assert post_step(client, "civil_status", "applicant", APPLICANT).status_code == 302
    assert act_step(client).status_code == 302
    assert post_step(client, "civil_status", "delivery", DELIVERY).status_code == 302
    confirm = client.get("/demarches/civil_status/confirm/")
    html = confirm.content.decode()
    assert "Copie intégrale" in html and "Gratuit" in html and "4 rue des Tilleuls" in html
    done = post_step(client, "civil_status", "confirm", {"certify": "on"})
    assert client.get(done["Location"]).status_code == 302
    filed = Request.unscoped.get(service="civil_status")
    certificate = CertificateRequest.unscoped.get(request=filed)
    assert certificate.document == "full_copy" and certificate.copies == 2
    assert certificate.register_year == 1990 and certificate.parent1_name == "Martin Paul"
    assert filed.status == "submitted" and filed.get_status_display() == "Reçue"
    acknowledgment = OutboxMessage.unscoped.get(related_reference=filed.reference)
    assert "gratuitement" in acknowledgment.body and "par courrier" in acknowledgment.body


@pytest.mark.django_db
def test_an_event_in_another_commune_is_sent_to_that_town_hall(client, civil):
    response = act_step(client, place="elsewhere", other_commune="Nantes")
    assert response.status_code == 200
    message = errors_of(response)
    assert "Commune-A" in message and "mairie de Nantes" in message and "refusée" in message
    html = response.content.decode()
    # The rest of the answers is kept.
    assert 'value="Camille Anne"' in html


@pytest.mark.django_db
def test_an_event_abroad_points_to_the_central_service_in_nantes_with_its_link(client, civil):
    response = act_step(client, place="abroad")
    html = response.content.decode()
    assert "Service central d&#x27;état civil" in html or "Service central d'état civil" in html
    assert f'href="{rules.SCEC_URL}"' in html
    assert "44941 Nantes Cedex 9" in html


@pytest.mark.django_db
def test_a_death_elsewhere_is_accepted_when_the_last_home_was_here(client, civil):
    response = act_step(
        client,
        act_type="death",
        place="last_domicile",
        relation="other",
        event_date="2020-02-02",
    )
    assert response.status_code == 302
    response = act_step(client, place="last_domicile")  # a birth: not here
    assert "décès" in errors_of(response)


@pytest.mark.django_db
def test_a_full_copy_is_refused_to_another_person_with_the_reason(client, civil):
    response = act_step(client, relation="other")
    message = errors_of(response)
    assert "2017-890" in message and "extrait sans filiation" in message
    assert response.context["form"].has_error("relation")
    ok = act_step(client, relation="other", document="extract_without_parentage")
    assert ok.status_code == 302


@pytest.mark.django_db
def test_a_full_copy_of_an_act_over_75_years_old_is_open_to_anyone(client, civil):
    assert act_step(client, relation="other", event_date="1940-01-01").status_code == 302


@pytest.mark.django_db
def test_a_death_act_extract_is_refused(client, civil):
    response = act_step(client, act_type="death", document="extract_without_parentage")
    assert response.context["form"].has_error("document")
    assert "copie intégrale" in errors_of(response)


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC), tick=False)
def test_bad_input_gets_a_french_message_next_to_each_field(client, civil):
    response = act_step(client, first_names="Cam1lle", event_date="2026-11-21", parent1_name="")
    form = response.context["form"]
    assert form.errors["first_names"] == ["Un nom ne peut pas contenir de chiffres."]
    assert form.errors["event_date"] == [
        "La date de l’événement ne peut pas être après aujourd’hui."
    ]
    assert "parent1_name" in form.errors
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'value="Martin"' in html


@pytest.mark.django_db
def test_a_professional_declares_their_office_and_the_agent_sees_it(client, civil):
    response = act_step(client, relation="professional")
    assert response.context["form"].has_error("professional_reference")


@pytest.mark.django_db
def test_a_marriage_needs_the_other_spouse(client, civil):
    response = act_step(client, act_type="marriage", document="extract_without_parentage")
    assert response.context["form"].has_error("spouse_last_name")


@pytest.mark.django_db
def test_copies_are_one_to_five_and_a_french_postal_code_has_five_digits(client, civil):
    post_step(client, "civil_status", "applicant", APPLICANT)
    act_step(client)
    response = post_step(
        client, "civil_status", "delivery", {**DELIVERY, "copies": "6", "postal_code": "440"}
    )
    form = response.context["form"]
    assert form.has_error("copies") and form.has_error("postal_code")


@pytest.mark.django_db
def test_a_delivery_address_here_different_from_the_account_offers_electoral_registration(
    client, civil
):
    user = UserFactory(
        email="camille@example.org",
        street_address="1 rue Ailleurs",
        postal_code="75001",
        city="Paris",
    )
    client.force_login(user)
    post_step(client, "civil_status", "applicant", APPLICANT)
    act_step(client)
    post_step(client, "civil_status", "delivery", DELIVERY)
    done = post_step(client, "civil_status", "confirm", {"certify": "on"})
    client.get(done["Location"])
    offers = OutboxMessage.unscoped.filter(event="elections.registration_offer")
    assert offers.count() == 1
    assert "/demarches/elections/" in offers.get().body
    assert RequestEvent.unscoped.filter(kind="note").count() == 0
