"""« Mes pièces d'identité » (issue 17.4): a resident declares when their identity card or
passport expires; « Mon agenda » (page and feed) tells them 90 days ahead to book the
renewal, then the day it expires; a past date is refused next to the field; nobody else
sees it; the daily job erases it a month after the expiry."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from ecommune.appointments.models import DeclaredIdentityDocument
from ecommune.testing.factories import UserFactory
from tests.accounts.conftest import fr

# The agenda's page and its Monday 1 March 2027.
from tests.accounts.test_agenda import AGENDA, _monday_morning  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE = reverse("ecommune_appointments:identity_documents")


@pytest.fixture
def resident(commune):
    return UserFactory(email="camille@example.org", first_name="Camille", last_name="Martin")


def declare(client, kind, day):
    return client.post(PAGE, {"action": "declare", "kind": kind, "expires_on": day})


def test_the_agenda_links_the_page_and_shows_the_renewal_and_the_expiry(client, resident):
    client.force_login(resident)
    assert f'href="{PAGE}"' in client.get(AGENDA).content.decode()
    answer = declare(client, "identity_card", "2027-09-14")
    assert answer.status_code == 302
    page = client.get(AGENDA).content.decode()
    # 90 days before Tuesday 14 September 2027: Wednesday 16 June 2027.
    assert '<time datetime="2027-06-16">mercredi 16 juin 2027</time>' in page
    assert "Carte nationale d’identité" in page or "Carte nationale d'identité" in page
    assert "mardi 14 septembre 2027" in page
    assert '<time datetime="2027-09-14">' in page
    assert f'href="{reverse("ecommune_appointments:motives")}"' in page
    # Changing the date replaces it.
    declare(client, "identity_card", "2027-10-01")
    assert DeclaredIdentityDocument.objects.get(user=resident).expires_on == datetime.date(
        2027, 10, 1
    )


def test_a_past_date_is_refused_next_to_the_field(client, resident):
    client.force_login(resident)
    page = declare(client, "passport", "2027-02-27")
    assert page.status_code == 200
    assert "expires_on" in page.context["form"].errors
    assert (
        fr("This date is past: the document has expired, book an appointment to renew it.")
        in page.content.decode()
    )
    assert not DeclaredIdentityDocument.objects.exists()


def test_a_neighbour_sees_nothing_and_removing_takes_it_off(client, resident):
    client.force_login(resident)
    declare(client, "passport", "2027-05-20")
    neighbour = UserFactory(email="dominique@example.org")
    client.force_login(neighbour)
    assert "2027-05-20" not in client.get(AGENDA).content.decode()
    assert "2027-05-20" not in client.get(PAGE).content.decode()
    # The neighbour's « remove » removes only the neighbour's.
    client.post(PAGE, {"action": "remove", "kind": "passport"})
    assert DeclaredIdentityDocument.objects.filter(user=resident).exists()
    client.force_login(resident)
    client.post(PAGE, {"action": "remove", "kind": "passport"})
    assert not DeclaredIdentityDocument.objects.exists()


def test_the_page_needs_a_signed_in_resident(client, commune):
    answer = client.get(PAGE)
    assert answer.status_code == 302 and reverse("ecommune_accounts:login") in answer["Location"]


def test_the_daily_job_erases_a_declaration_a_month_after_the_expiry(commune, resident):
    DeclaredIdentityDocument.objects.create(
        user=resident, kind="passport", expires_on=datetime.date(2027, 1, 20)
    )
    DeclaredIdentityDocument.objects.create(
        user=resident, kind="identity_card", expires_on=datetime.date(2027, 2, 10)
    )
    call_command("ecommune_forget_appointments")
    assert list(DeclaredIdentityDocument.objects.values_list("kind", flat=True)) == [
        "identity_card"
    ]
