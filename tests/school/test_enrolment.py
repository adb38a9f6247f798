"""School enrolment (Code de l'éducation L131-5, D131-3-1): the school map imported from CSV
with a report of refused lines, the wizard naming the school of the sector from the address,
a derogation with its reason, only the documents the law allows, the agent's decision, the
enrolment certificate (PDF) and the lists per school and level."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ecommune.core import tenancy
from ecommune.families import households
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.models import Request
from ecommune.services.school import enrolments, sectorisation
from ecommune.services.school.enrolment_forms import next_school_year
from ecommune.services.school.models import SchoolEnrolment, StreetSegment
from ecommune.testing.factories import SchoolFactory, UserFactory
from tests.services.helpers import (  # noqa: F401  (private_storage is a fixture)
    APPLICANT,
    PDF,
    agent_client_for,
    errors_of,
    post_step,
    private_storage,
)

pytestmark = pytest.mark.django_db

MAP = (
    "rue;cote;de;a;ecole\n"
    "Avenue Jules-Ferry;pair;;;École Jules-Ferry\n"
    "Avenue Jules-Ferry;impair;1;99;Les Tilleuls\n"
    "rue des Lilas;;;;0449902B\n"
    "rue du Moulin;gauche;;;École Jules-Ferry\n"
    "rue du Pont;;12;4;École Jules-Ferry\n"
    "rue du Four;;;;École inconnue\n"
    "place de l'Église;;x;;École Jules-Ferry\n"
    "trop;de;colonnes;ici;a;b\n"
)


@pytest.fixture
def schools(commune):
    commune.enabled_services = ["school"]
    commune.save()
    elementary = SchoolFactory(
        commune=commune,
        name="École Jules-Ferry",
        uai="0449902B",
        levels=["CP", "CE1", "CE2", "CM1", "CM2"],
    )
    nursery = SchoolFactory(commune=commune, name="Les Tilleuls", levels=["PS", "MS", "GS"])
    report = sectorisation.import_street_map(commune, MAP.encode())
    assert report.imported == 3
    return elementary, nursery


# The school map ----------------------------------------------------------------------------


def test_street_names_match_whatever_their_spelling():
    assert sectorisation.street_key("Av. Jules-Ferry") == sectorisation.street_key(
        "AVENUE JULES FERRY"
    )
    assert sectorisation.street_key("r. de l'Église") == "rue de l eglise"


def test_the_import_reports_each_refused_line_with_its_number_and_why(commune, schools):
    report = sectorisation.import_street_map(commune, MAP.encode())
    reasons = {line: reason for line, _text, reason in report.rejected}
    assert set(reasons) == {5, 6, 7, 8, 9}
    assert "pair, impair" in reasons[5]
    assert "plus grand" in reasons[6]
    assert "École inconnue" in reasons[7]
    assert "« x »" in reasons[8]
    assert "5 colonnes" in reasons[9]


def test_a_file_with_no_valid_line_leaves_the_map_unchanged(commune, schools):
    report = sectorisation.import_street_map(commune, b"rue;cote;de;a;ecole\nx;y;;;z\n")
    assert report.imported == 0 and len(report.rejected) == 1
    assert StreetSegment.unscoped.filter(commune=commune).count() == 3


def test_the_school_is_found_by_side_and_number_range(commune, schools):
    elementary, nursery = schools
    with tenancy.using(commune):
        assert sectorisation.find_school("av Jules Ferry", "12") == elementary
        assert sectorisation.find_school("Avenue Jules-Ferry", "7 bis") == nursery
        assert sectorisation.find_school("Avenue Jules-Ferry", "101") is None
        assert sectorisation.find_school("Rue des Lilas", "") == elementary
        assert sectorisation.find_school("Rue inconnue", "3") is None
        # A street has a nursery and an elementary school: the level chooses.
        assert sectorisation.find_school("Avenue Jules-Ferry", "7", "CP") is None
        assert sectorisation.find_school("Avenue Jules-Ferry", "7", "MS") == nursery


def test_an_agent_imports_the_map_in_the_back_office_and_reads_the_report(client, commune, schools):
    client, _agent = agent_client_for(client, commune, ["school"])
    upload = SimpleUploadedFile("carte.csv", MAP.encode("cp1252", errors="replace"))
    response = client.post("/admin/ecoles/carte-scolaire/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 lignes importées" in html and "5 lignes refusées" in html
    assert "École inconnue" in html


# The wizard --------------------------------------------------------------------------------

CHILD = {
    "child_first_name": "Léa",
    "child_last_name": "Lefebvre",
    "child_birth_date": "2020-03-02",
    "level": "CP",
    "street_number": "12",
    "street_name": "av. Jules Ferry",
    "postal_code": "44000",
    "city": "Commune-A",
}


def pieces(**extra):
    return {
        "child_identity": SimpleUploadedFile("livret.pdf", PDF, content_type="application/pdf"),
        "guardian_identity": SimpleUploadedFile("cni.pdf", PDF, content_type="application/pdf"),
        **extra,
    }


def walk(client, school=None, documents=None, sworn=True):
    child = {**CHILD, "school_year": str(next_school_year())}
    assert post_step(client, "school", "applicant", APPLICANT).status_code == 302
    assert post_step(client, "school", "child", child).status_code == 302
    step = post_step(client, "school", "school", school or {"choice": "sector"})
    assert step.status_code == 302
    data = {"sworn_statement": "on"} if sworn else {}
    return post_step(client, "school", "pieces", data, documents or pieces())


def test_a_parent_enrols_a_child_and_the_summary_names_the_school_of_the_sector(
    client,
    commune,
    schools,
    private_storage,  # noqa: F811
):
    user = UserFactory(email="camille@example.org")
    client.force_login(user)
    assert walk(client).status_code == 302
    confirm = client.get("/demarches/school/confirm/").content.decode()
    assert "École de votre secteur" in confirm and "École Jules-Ferry" in confirm
    # Every answer reads on the summary: the sworn statement and the files sent.
    assert "J’atteste sur l’honneur habiter à l’adresse indiquée" in confirm
    assert "livret.pdf" in confirm and "cni.pdf" in confirm
    done = post_step(client, "school", "confirm", {"certify": "on"})
    assert client.get(done["Location"]).status_code == 302
    enrolment = SchoolEnrolment.unscoped.get()
    assert enrolment.sector_school == schools[0] and not enrolment.is_derogation
    assert enrolment.sworn_statement
    assert enrolment.request.documents.count() == 2
    # The child joins the household, so the other guardian sees it too.
    assert enrolment.child.household == households.household_of(user, commune)
    assert OutboxMessage.unscoped.filter(related_reference=enrolment.request.reference).exists()


def test_a_parent_chooses_documents_already_in_their_space(
    client,
    commune,
    schools,
    private_storage,  # noqa: F811
):
    """The family record book and identity given before are offered again; the proof of
    domicile chosen from the space stands in for the sworn statement."""
    from ecommune.requests.documents import store_document

    user = UserFactory(email="camille@example.org")
    stranger = UserFactory(email="autre@example.org")
    kept = {}
    for owner, kind, name in (
        (user, "family_record", "livret.pdf"),
        (user, "identity", "cni.pdf"),
        (user, "proof_of_address", "edf.pdf"),
        (stranger, "identity", "autre.pdf"),
    ):
        kept[owner.email, kind] = store_document(
            uploaded=SimpleUploadedFile(name, PDF + name.encode(), "application/pdf"),
            kind=kind,
            commune=commune,
            owner=owner,
        )
    client.force_login(user)
    post_step(client, "school", "applicant", APPLICANT)
    post_step(client, "school", "child", {**CHILD, "school_year": str(next_school_year())})
    post_step(client, "school", "school", {"choice": "sector"})
    page = client.get("/demarches/school/pieces/").content.decode()
    assert "livret.pdf" in page and "autre.pdf" not in page
    forged = post_step(
        client,
        "school",
        "pieces",
        {
            "child_identity_kept": kept[user.email, "family_record"].pk,
            "guardian_identity_kept": kept[stranger.email, "identity"].pk,
        },
    )
    assert "Choisissez un des documents de votre propre espace." in errors_of(forged)
    step = post_step(
        client,
        "school",
        "pieces",
        {
            "child_identity_kept": kept[user.email, "family_record"].pk,
            "guardian_identity_kept": kept[user.email, "identity"].pk,
            "proof_of_address_kept": kept[user.email, "proof_of_address"].pk,
        },
    )
    assert step.status_code == 302, errors_of(step)
    done = post_step(client, "school", "confirm", {"certify": "on"})
    assert client.get(done["Location"]).status_code == 302
    enrolment = SchoolEnrolment.unscoped.get()
    assert not enrolment.sworn_statement
    assert set(enrolment.request.documents.all()) == {
        kept[user.email, kind] for kind in ("family_record", "identity", "proof_of_address")
    }


def test_the_documents_step_says_vaccinations_are_the_schools_business(client, commune, schools):
    post_step(client, "school", "applicant", APPLICANT)
    post_step(client, "school", "child", {**CHILD, "school_year": str(next_school_year())})
    post_step(client, "school", "school", {"choice": "sector"})
    html = client.get("/demarches/school/pieces/").content.decode()
    assert "D131-3-1" in html and "vaccinations" in html.lower()


def test_without_proof_of_domicile_nor_sworn_statement_the_step_says_what_to_do(
    client,
    commune,
    schools,
    private_storage,  # noqa: F811
):
    response = walk(client, sworn=False)
    assert response.status_code == 200
    assert "Envoyez un justificatif de domicile ou cochez l’attestation sur l’honneur." in (
        errors_of(response)
    )


def test_a_derogation_needs_the_school_and_a_reason(client, commune, schools):
    post_step(client, "school", "applicant", APPLICANT)
    post_step(client, "school", "child", {**CHILD, "school_year": str(next_school_year())})
    response = post_step(client, "school", "school", {"choice": "other"})
    errors = errors_of(response)
    assert "Choisissez l’école demandée." in errors
    assert "Indiquez le motif de votre demande." in errors


def test_a_child_too_young_for_the_school_year_is_refused(client, commune, schools):
    post_step(client, "school", "applicant", APPLICANT)
    young = (timezone.localdate() - datetime.timedelta(days=200)).isoformat()
    response = post_step(
        client,
        "school",
        "child",
        {**CHILD, "child_birth_date": young, "school_year": str(next_school_year())},
    )
    assert "au moins 2 ans" in errors_of(response)


# The agent ---------------------------------------------------------------------------------


def file_enrolment(client, schools, **school):
    walk(client, school=school or None)
    done = post_step(client, "school", "confirm", {"certify": "on"})
    client.get(done["Location"])  # the wizard files the request on its last redirect
    return SchoolEnrolment.unscoped.get()


def test_the_agent_accepts_with_the_school_and_the_family_gets_the_certificate(
    client,
    commune,
    schools,
    private_storage,  # noqa: F811
):
    user = UserFactory(email="camille@example.org")
    client.force_login(user)
    enrolment = file_enrolment(client, schools)
    reference = enrolment.request.reference
    agent_client, agent = agent_client_for(client.__class__(), commune, ["school"])
    page = agent_client.get(f"/admin/ecoles/{reference}/")
    assert page.status_code == 200 and "École Jules-Ferry" in page.content.decode()
    # The nursery school has no CP class: refused with a message next to the field.
    wrong = agent_client.post(
        f"/admin/ecoles/{reference}/", {"decision": "accept", "school": schools[1].pk}
    )
    assert "n’a pas de classe" in str(wrong.context["form"].errors["school"])
    accepted = agent_client.post(
        f"/admin/ecoles/{reference}/", {"decision": "accept", "school": schools[0].pk}
    )
    assert accepted.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.request.status == "accepted" and enrolment.assigned_school == schools[0]
    pdf = agent_client.get(f"/admin/ecoles/{reference}/certificat.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # The parent downloads it from the family space.
    family = client.get("/famille/").content.decode()
    assert "Certificat d’inscription" in family
    own = client.get(f"/famille/certificat/{reference}.pdf")
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
    # Someone else's account gets nothing.
    client.force_login(UserFactory())
    assert client.get(f"/famille/certificat/{reference}.pdf").status_code == 404


def test_a_refusal_needs_a_reason_the_family_reads(
    client,
    commune,
    schools,
    private_storage,  # noqa: F811
):
    enrolment = file_enrolment(
        client,
        schools,
        choice="other",
        requested_school=schools[1].pk,
        derogation_reason="Nourrice",
    )
    assert enrolment.is_derogation and enrolment.derogation_reason == "Nourrice"
    agent_client, _agent = agent_client_for(client.__class__(), commune, ["school"])
    url = f"/admin/ecoles/{enrolment.request.reference}/"
    empty = agent_client.post(url, {"decision": "refuse", "reason": " "})
    assert "Indiquez le motif du refus" in str(empty.context["form"].errors["reason"])
    assert agent_client.post(url, {"decision": "refuse", "reason": "Plus de place"}).status_code
    request = Request.unscoped.get(pk=enrolment.request_id)
    assert request.status == "rejected"
    assert request.events.filter(text="Plus de place", visible_to_resident=True).exists()


def test_lists_per_school_and_level_and_their_csv(
    client,
    commune,
    schools,
    private_storage,  # noqa: F811
):
    enrolment = file_enrolment(client, schools)
    agent_client, agent = agent_client_for(client.__class__(), commune, ["school"])
    with tenancy.using(commune):
        enrolments.accept(enrolment, school=schools[0], actor=agent.user)
    year = next_school_year()
    page = agent_client.get("/admin/ecoles/", {"year": year}).content.decode()
    assert "École Jules-Ferry — CP (1)" in page
    csv = agent_client.get("/admin/ecoles/inscriptions.csv", {"year": year})
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("École;Niveau;Nom;Prénom")
    assert "École Jules-Ferry;CP;Lefebvre;Léa;02/03/2020" in text


def test_an_agent_of_another_service_cannot_enter(client, commune, schools):
    agent_client, _agent = agent_client_for(client, commune, ["contact"])
    refused = agent_client.get("/admin/ecoles/")
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    assert refused.status_code == 302 and refused["Location"] == "/admin/"


def test_the_other_guardian_follows_the_enrolment_and_no_one_else(
    client,
    commune,
    schools,
    private_storage,  # noqa: F811
):
    from ecommune.families import households

    parent = UserFactory(email="camille@example.org")
    client.force_login(parent)
    enrolment = file_enrolment(client, schools)
    page = f"/demarches/demande/{enrolment.request.reference}/"
    assert client.get(page).status_code == 200
    household = households.household_of(parent, commune)
    invitation = households.invite_guardian(household, email="paul@example.org", invited_by=parent)
    other = UserFactory(email="paul@example.org")
    households.accept_invitation(invitation.token, other)
    client.force_login(other)
    assert client.get(page).status_code == 200
    assert enrolment.request.reference in client.get("/demarches/mes-demandes/").content.decode()
    client.force_login(UserFactory(email="eve@example.org"))
    assert client.get(page).status_code == 404
