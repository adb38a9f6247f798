"""Electoral-roll registration: the deadlines of the Code électoral (L17, L30) checked on
official dates, who may register (L2, L11, EU citizens), the counting of a late request,
the wizard's refusals next to their fields, and a request filed with its documents."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from ecommune.core import tenancy
from ecommune.requests.models import Document, Request
from ecommune.services.elections import deadlines, eligibility
from ecommune.services.elections.models import Election, Registration
from ecommune.services.elections.service import ElectionsService
from tests.services.helpers import (
    APPLICANT,
    PDF,
    errors_of,
    post_step,
    private_storage,  # noqa: F401  (fixture)
)

D = datetime.date


# Deadlines on official dates -------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_round", "deadline"),
    [
        # Municipal elections of 15 March 2026: « jusqu'au vendredi 6 février 2026 ».
        (D(2026, 3, 15), D(2026, 2, 6)),
        # Presidential election of 10 April 2022: « vendredi 4 mars 2022 en mairie ».
        (D(2022, 4, 10), D(2022, 3, 4)),
        # Legislative elections of 12 June 2022: « vendredi 6 mai 2022 en mairie ».
        (D(2022, 6, 12), D(2022, 5, 6)),
    ],
)
def test_the_deadline_is_the_6th_friday_before_the_first_round(first_round, deadline):
    assert deadlines.registration_deadline(first_round) == deadline
    assert deadline.weekday() == 4


def test_the_exceptions_run_until_the_10th_day_before_the_first_round():
    # « Ce délai est reporté au 5 mars 2026 » for the municipal elections of 15 March 2026.
    assert deadlines.exception_deadline(D(2026, 3, 15)) == D(2026, 3, 5)


def test_a_voter_is_of_age_when_18_the_day_before_the_round():
    assert deadlines.of_age_for(D(2008, 3, 14), D(2026, 3, 15))
    assert not deadlines.of_age_for(D(2008, 3, 15), D(2026, 3, 15))
    assert deadlines.eighteenth_birthday(D(2008, 2, 29)) == D(2026, 3, 1)


class _Election:
    def __init__(self, name, kind, first, second=None):
        self.name, self.kind, self.first_round, self.second_round = name, kind, first, second

    registration_deadline = property(lambda self: deadlines.registration_deadline(self.first_round))
    exception_deadline = property(lambda self: deadlines.exception_deadline(self.first_round))


MUNICIPAL = _Election("municipales", "municipal", D(2026, 3, 15), D(2026, 3, 22))
EUROPEAN = _Election("européennes", "european", D(2029, 6, 10))
ALL = {"municipal", "european", "presidential", "legislative", "referendum", "other"}


def test_a_request_before_the_deadline_counts_for_the_next_election():
    counting = eligibility.counted_for([MUNICIPAL, EUROPEAN], ALL, D(2026, 2, 6), D(1980, 1, 1))
    assert counting.election is MUNICIPAL and not counting.late


def test_a_request_after_the_deadline_counts_for_the_following_election():
    counting = eligibility.counted_for([MUNICIPAL, EUROPEAN], ALL, D(2026, 2, 7), D(1980, 1, 1))
    assert counting.election is EUROPEAN and counting.missed == [MUNICIPAL]


def test_an_exception_counts_until_the_10th_day_then_no_more():
    late = eligibility.counted_for(
        [MUNICIPAL, EUROPEAN], ALL, D(2026, 3, 5), D(1980, 1, 1), "moved_for_work"
    )
    assert late.election is MUNICIPAL and late.late
    too_late = eligibility.counted_for(
        [MUNICIPAL, EUROPEAN], ALL, D(2026, 3, 6), D(1980, 1, 1), "moved_for_work"
    )
    assert too_late.election is EUROPEAN


def test_a_17_year_old_turning_18_in_time_may_apply_and_between_rounds_votes_at_the_second():
    in_time = eligibility.counted_for([MUNICIPAL], ALL, D(2026, 1, 10), D(2008, 3, 14))
    assert in_time.election is MUNICIPAL and not in_time.second_round_only
    between = eligibility.counted_for([MUNICIPAL], ALL, D(2026, 1, 10), D(2008, 3, 18))
    assert between.election is MUNICIPAL and between.second_round_only
    too_young = eligibility.counted_for([MUNICIPAL], ALL, D(2026, 1, 10), D(2008, 3, 22))
    assert too_young.election is None and too_young.too_young_for == [MUNICIPAL]


def test_eu_citizens_count_only_for_municipal_and_european_elections():
    presidential = _Election("présidentielle", "presidential", D(2027, 4, 11))
    counting = eligibility.counted_for(
        [presidential, EUROPEAN], {"municipal", "european"}, D(2026, 6, 1), D(1980, 1, 1)
    )
    assert counting.election is EUROPEAN


# The wizard ----------------------------------------------------------------------------

NOW = datetime.datetime(2026, 1, 20, 10, tzinfo=datetime.UTC)

VOTER = {
    "nationality": "french",
    "lists": "general",
    "sex": "F",
    "birth_last_name": "Martin",
    "first_names": "Camille Anne",
    "birth_date": "1990-05-04",
    "birth_place": "Nantes",
    "birth_area": "Loire-Atlantique (44)",
}
ATTACHMENT = {
    "ground": "domicile",
    "street_address": "4 rue des Tilleuls",
    "postal_code": "44000",
    "city": "Commune-A",
    "proof_dated": "2026-01-05",
    "identity_kind": "id_card",
    "identity_expires_on": "2030-01-01",
}


@pytest.fixture
def electoral(commune, private_storage):  # noqa: F811
    commune.enabled_services = ["civil_status", "elections"]
    commune.save()
    with tenancy.using(commune):
        Election.objects.create(
            name="élections municipales",
            kind="municipal",
            first_round=D(2026, 3, 15),
            second_round=D(2026, 3, 22),
        )
        Election.objects.create(
            name="élections européennes", kind="european", first_round=D(2029, 6, 10)
        )
    return commune


def voter_step(client, **changes):
    assert post_step(client, "elections", "applicant", APPLICANT).status_code == 302
    return post_step(client, "elections", "voter", {**VOTER, **changes})


def files():
    return {
        "proof_of_attachment": SimpleUploadedFile("facture.pdf", PDF, "application/pdf"),
        "identity_document": SimpleUploadedFile("cni.pdf", PDF, "application/pdf"),
    }


def attachment_step(client, **changes):
    return post_step(client, "elections", "attachment", {**ATTACHMENT, **changes}, files())


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_service_page_shows_the_next_deadline_in_full(client, electoral):
    with tenancy.using(electoral):
        assert "vendredi 6 février 2026" in ElectionsService.describe()
    # Outside any commune (a superuser's catalogue): no commune's election is announced.
    with tenancy.using(None):
        assert ElectionsService.describe() == str(ElectionsService.summary)
    home = client.get("/").content.decode()
    assert "inscrivez-vous au plus tard le vendredi 6 février 2026" in home
    post_step(client, "elections", "applicant", APPLICANT)
    html = client.get("/demarches/elections/voter/").content.decode()
    assert "<strong>vendredi 6 février 2026</strong>" in html
    assert "services-en-ligne-et-formulaires/ISE" in html
    assert "inscrit automatiquement" in html


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_wizard_files_a_registration_with_its_documents(client, electoral):
    assert voter_step(client).status_code == 302
    assert attachment_step(client).status_code == 302
    confirm = client.get("/demarches/elections/confirm/").content.decode()
    assert "élections municipales (premier tour le 15 mars 2026)" in confirm
    done = post_step(client, "elections", "confirm", {"certify": "on"})
    client.get(done["Location"])
    filed = Request.unscoped.get(service="elections")
    registration = Registration.unscoped.get(request=filed)
    assert registration.election.kind == "municipal" and registration.list_codes == "LP"
    assert sorted(Document.unscoped.filter(requests=filed).values_list("kind", flat=True)) == [
        "identity",
        "proof_of_address",
    ]
    assert filed.get_status_display() == "Reçue"


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_eu_citizen_asking_for_the_general_list_is_refused_with_the_reason(client, electoral):
    response = voter_step(client, nationality="eu", eu_country="IT", eu_not_deprived="on")
    form = response.context["form"]
    assert form.has_error("lists")
    assert "présidentielle" in errors_of(response) and "municipales et européennes" in errors_of(
        response
    )
    ok = voter_step(
        client,
        nationality="eu",
        eu_country="IT",
        lists="municipal_european",
        eu_not_deprived="on",
        eu_vote_once="on",
    )
    assert ok.status_code == 302


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_eu_citizen_must_make_the_declarations(client, electoral):
    response = voter_step(client, nationality="eu", eu_country="", lists="european")
    form = response.context["form"]
    assert form.has_error("eu_country") and form.has_error("eu_not_deprived")
    assert form.has_error("eu_vote_once")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_birth_dates_in_the_future_or_before_1900_and_digits_in_names_are_refused(
    client, electoral
):
    future = voter_step(client, birth_date="2026-02-01", first_names="Camille2")
    assert future.context["form"].errors["birth_date"] == [
        "La date de naissance ne peut pas être dans le futur."
    ]
    assert future.context["form"].errors["first_names"] == [
        "Un nom ne peut pas contenir de chiffres."
    ]
    assert 'value="Martin"' in future.content.decode()
    old = voter_step(client, birth_date="1899-12-31")
    assert old.context["form"].errors["birth_date"] == [
        "La date de naissance ne peut pas être antérieure à 1900."
    ]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_minor_not_18_for_any_announced_election_is_told_why(client, electoral):
    response = voter_step(client, birth_date="2011-06-11")
    message = errors_of(response)
    assert "11 juin 2029" in message and "recensement citoyen" in message
    # Turning 18 the day before the first round: accepted.
    assert voter_step(client, birth_date="2008-03-14").status_code == 302


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_postal_code_outside_the_commune_is_refused_for_a_home(client, electoral):
    voter_step(client)
    response = attachment_step(client, postal_code="75001")
    assert "75001 n’est pas un code postal de Commune-A (44000)" in errors_of(response)
    assert 'value="4 rue des Tilleuls"' in response.content.decode()
    # A taxpayer living elsewhere gives their own address.
    assert attachment_step(client, postal_code="75001", ground="taxpayer").status_code == 302


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_proof_of_home_over_3_months_and_an_identity_expired_over_5_years_are_refused(
    client, electoral
):
    voter_step(client)
    response = attachment_step(client, proof_dated="2025-10-19", identity_expires_on="2021-01-19")
    form = response.context["form"]
    assert "moins de 3 mois" in form.errors["proof_dated"][0]
    assert "plus de 5 ans" in form.errors["identity_expires_on"][0]
    ok = attachment_step(client, proof_dated="2025-10-20", identity_expires_on="2021-01-20")
    assert ok.status_code == 302


@pytest.mark.django_db
@time_machine.travel(datetime.datetime(2026, 2, 10, 10, tzinfo=datetime.UTC), tick=False)
def test_after_the_deadline_the_request_counts_for_the_next_election_or_an_exception(
    client, electoral
):
    voter_step(client)
    attachment_step(client)
    confirm = client.get("/demarches/elections/confirm/").content.decode()
    assert "élections européennes (premier tour le 10 juin 2029)" in confirm
    assert "La date limite pour les élections municipales est passée" in confirm
    voter_step(client, late_exception="moved_for_work")
    confirm = client.get("/demarches/elections/confirm/").content.decode()
    assert "élections municipales (premier tour le 15 mars 2026)" in confirm
    assert "exception prévue par la loi" in confirm
    done = post_step(client, "elections", "confirm", {"certify": "on"})
    client.get(done["Location"])
    registration = Registration.unscoped.get()
    assert registration.late_exception == "moved_for_work"
    assert registration.election.kind == "municipal"
