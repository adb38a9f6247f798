"""The family space: one household per account and commune, a second legal guardian invited
by email who then sees the same children, children, and the quotient familial with its proof
and validity (an expired proof means the default price)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ecommune.core import tenancy
from ecommune.families import households
from ecommune.families.models import Child, Guardian, Household
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.models import Document
from ecommune.testing.factories import UserFactory
from tests.services.helpers import PDF, private_storage  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(client, commune):
    user = UserFactory(email="parent@example.org", first_name="Marie", last_name="Lefebvre")
    client.force_login(user)
    return user


def errors(response) -> str:
    return " ".join(str(error) for error in response.context["form"].errors.values())


def test_the_first_visit_creates_one_household_for_the_account(client, parent, commune):
    page = client.get("/famille/")
    assert page.status_code == 200
    assert "Ma famille" in page.content.decode()
    client.get("/famille/")
    assert Household.unscoped.count() == 1
    assert Guardian.unscoped.get().user == parent


def test_the_family_space_needs_an_account(client, commune):
    response = client.get("/famille/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_a_child_is_added_with_a_french_message_on_a_future_birth_date(client, parent):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    bad = client.post(
        "/famille/enfant/",
        {"first_name": "Léa", "last_name": "Lefebvre", "birth_date": future, "level": "CP"},
    )
    assert "La date de naissance ne peut pas être dans le futur." in errors(bad)
    good = client.post(
        "/famille/enfant/",
        {"first_name": "Léa", "last_name": "Lefebvre", "birth_date": "2020-03-02", "level": "CP"},
    )
    assert good.status_code == 302
    assert "Léa Lefebvre" in client.get("/famille/").content.decode()


def test_a_child_belongs_to_one_household_per_commune(commune):
    first = households.get_or_create_household(UserFactory(), commune)
    second = households.get_or_create_household(UserFactory(), commune)
    child = {"first_name": "Léa", "last_name": "Roy", "birth_date": datetime.date(2020, 3, 2)}
    households.add_child(first, **child)
    with pytest.raises(ValidationError) as error:
        households.add_child(second, **child)
    assert "déjà inscrit" in error.value.messages[0]


def test_a_household_cannot_edit_another_households_child(client, parent, commune):
    other = households.get_or_create_household(UserFactory(), commune)
    stranger = households.add_child(
        other, first_name="Tom", last_name="Roy", birth_date=datetime.date(2019, 1, 1)
    )
    assert client.get(f"/famille/enfant/{stranger.pk}/").status_code == 404


def test_an_invited_guardian_joins_and_sees_the_same_children(client, parent, commune):
    household = households.get_or_create_household(parent, commune)
    households.add_child(
        household, first_name="Léa", last_name="Lefebvre", birth_date=datetime.date(2020, 3, 2)
    )
    response = client.post("/famille/inviter/", {"email": "Paul@Example.org"})
    assert response.status_code == 302
    mail = OutboxMessage.unscoped.get(event="school.guardian_invited")
    assert mail.recipient == "paul@example.org"
    # Only the first name: nothing else the inviter typed reaches a stranger's mailbox.
    assert mail.subject.startswith("Marie ") and "Lefebvre" not in mail.subject + mail.body
    invitation = household.invitations.get()
    assert f"/famille/invitation/{invitation.token}/" in mail.body

    other = UserFactory(email="paul@example.org")
    client.force_login(other)
    client.get("/famille/")  # the account's own empty household, replaced when joining
    joined = client.post(f"/famille/invitation/{invitation.token}/")
    assert joined.status_code == 302
    assert "Léa Lefebvre" in client.get("/famille/").content.decode()
    assert households.household_of(other, commune) == household
    assert Household.unscoped.count() == 1
    again = client.post(f"/famille/invitation/{invitation.token}/")
    assert "déjà été utilisé" in again.content.decode()


def test_an_invitation_works_only_for_its_address_and_before_it_expires(commune):
    inviter = UserFactory()
    household = households.get_or_create_household(inviter, commune)
    invitation = households.invite_guardian(household, email="paul@example.org", invited_by=inviter)
    with pytest.raises(ValidationError, match="autre adresse"):
        households.accept_invitation(invitation.token, UserFactory(email="eve@example.org"))
    invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    invitation.save()
    with pytest.raises(ValidationError, match="expiré"):
        households.accept_invitation(invitation.token, UserFactory(email="paul@example.org"))


def test_inviting_twice_the_same_address_is_refused(client, parent, commune):
    client.post("/famille/inviter/", {"email": "paul@example.org"})
    again = client.post("/famille/inviter/", {"email": "paul@example.org"})
    assert "Une invitation à cette adresse attend déjà." in errors(again)


def test_the_quotient_familial_needs_a_proof_and_counts_until_its_validity_date(
    client,
    parent,
    commune,
    private_storage,  # noqa: F811
):
    valid_until = timezone.localdate() + datetime.timedelta(days=30)
    missing = client.post(
        "/famille/quotient-familial/", {"value": "420", "valid_until": valid_until.isoformat()}
    )
    assert "Choisissez une attestation ou envoyez-en une." in errors(missing)
    upload = SimpleUploadedFile("caf.pdf", PDF, content_type="application/pdf")
    saved = client.post(
        "/famille/quotient-familial/",
        {"value": "420", "valid_until": valid_until.isoformat(), "upload": upload},
    )
    assert saved.status_code == 302
    household = Household.unscoped.get()
    document = Document.unscoped.get()
    assert household.qf_document == document and document.kind == "income"
    assert household.qf_on(timezone.localdate()) == 420
    # Past its validity date, the proof no longer counts: the default price applies.
    assert household.qf_on(valid_until + datetime.timedelta(days=1)) is None
    # The same certificate is offered again from the document space.
    reuse = client.get("/famille/quotient-familial/")
    assert document in reuse.context["form"].fields["document"].queryset


def test_an_expired_certificate_is_refused_and_the_page_says_the_full_price_applies(
    client, parent, commune
):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    refused = client.post("/famille/quotient-familial/", {"value": "420", "valid_until": yesterday})
    assert "Cette attestation n’est plus valable" in errors(refused)
    household = households.get_or_create_household(parent, commune)
    Household.unscoped.filter(pk=household.pk).update(
        quotient_familial=420,
        qf_valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    page = client.get("/famille/").content.decode()
    assert "plus valable" in page


def test_each_commune_has_its_own_household(commune, other_commune):
    user = UserFactory()
    here = households.get_or_create_household(user, commune)
    with tenancy.using(other_commune):
        there = households.get_or_create_household(user, other_commune)
    assert here != there
    with tenancy.using(commune):
        assert list(Child.objects.all()) == []


def test_the_family_page_costs_the_same_queries_whatever_the_number_of_children(
    client, parent, commune
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    household = households.get_or_create_household(parent, commune)
    households.add_child(
        household, first_name="Léa", last_name="Lefebvre", birth_date=datetime.date(2020, 3, 2)
    )
    client.get("/famille/")
    with CaptureQueriesContext(connection) as one:
        client.get("/famille/")
    for n in range(3):
        households.add_child(
            household,
            first_name=f"Enfant{n}",
            last_name="Lefebvre",
            birth_date=datetime.date(2018, 1, 1 + n),
        )
    with CaptureQueriesContext(connection) as four:
        assert "Enfant2" in client.get("/famille/").content.decode()
    assert len(four) == len(one)
