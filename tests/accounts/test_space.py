"""« Mon espace »: one page with what waits for the resident, their requests,
appointments, documents, invoices and family; linked from every page's header with a
sign-out form beside it; its query count does not grow with what the resident has."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ecommune.appointments.models import Booking, Motive
from ecommune.families.households import add_child
from ecommune.testing.factories import UserFactory, make_counter, make_household
from ecommune.testing.filing import Applicant, Documents, Upload, enable_services, filed_request
from ecommune.testing.wizard import pdf_upload
from tests.accounts.conftest import fr

pytestmark = pytest.mark.django_db

MESSAGE = {
    "topic": "roads",
    "subject": "Lampadaire éteint",
    "message": "Le lampadaire de la rue des Tilleuls est éteint.",
}
SPACE = reverse("ecommune_accounts:space")


@pytest.fixture
def resident(commune, private_storage):
    enable_services(commune, "contact")
    return UserFactory(email="camille@example.org", first_name="Camille", last_name="Martin")


def give(commune, resident, *, waiting=False, with_document=False):
    """One more of each thing the page shows: a request (waiting for the resident or
    not), maybe a document, an appointment, a child."""
    documents = (
        Documents(uploads=[Upload("identity", pdf_upload("carte.pdf"))]) if with_document else None
    )
    fields = {"status": "waiting_resident", "waiting_since": timezone.now()} if waiting else {}
    filed = filed_request(
        commune,
        "contact",
        {"message": MESSAGE},
        applicant=Applicant("Camille", "Martin", resident.email, user=resident),
        documents=documents,
        **fields,
    )
    counter = make_counter(commune)
    motive = Motive.objects.create(name="Carte d'identité", slug=f"cni-{counter.pk}")
    start = timezone.now() + datetime.timedelta(days=3)
    Booking.objects.create(
        reference=f"RDV{counter.pk:05d}",
        motive=motive,
        counter=counter,
        start=start,
        end=start + datetime.timedelta(minutes=15),
        first_name="Camille",
        last_name="Martin",
        user=resident,
    )
    return filed


def test_the_header_links_my_space_with_a_sign_out_form_beside_it(client, resident):
    client.force_login(resident)
    page = client.get("/compte/profil/").content.decode()
    assert f'href="{SPACE}"' in page and fr("My space") in page
    assert f'action="{reverse("ecommune_accounts:logout")}"' in page
    assert fr("Sign out") in page
    # /compte/ is « Mon espace ».
    assert client.get("/compte/").url == SPACE


def test_my_space_puts_what_waits_for_the_resident_first(client, commune, resident):
    waiting = give(commune, resident, waiting=True, with_document=True)
    other = give(commune, resident)
    client.force_login(resident)
    page = client.get(SPACE).content.decode()
    assert page.index(fr("What waits for you")) < page.index(fr("My requests"))
    assert reverse("ecommune_requests:answer", args=[waiting.reference]) in page
    assert reverse("ecommune_requests:detail", args=[other.reference]) in page
    for heading in ("My appointments", "My documents", "My invoices", "My family"):
        assert fr(heading) in page
    assert "carte.pdf" in page


def test_my_space_costs_the_same_queries_whatever_the_resident_has(client, commune, resident):
    give(commune, resident, waiting=True, with_document=True)
    household = make_household(commune, guardian=resident)
    client.force_login(resident)
    client.get(SPACE)  # the first page of a process fills caches (theme, content types)
    with CaptureQueriesContext(connection) as first:
        assert client.get(SPACE).status_code == 200
    for first_name in ("Léo", "Zoé"):
        add_child(
            household,
            first_name=first_name,
            last_name="Martin",
            birth_date=datetime.date(2019, 5, 2),
        )
    for number in range(3):
        give(commune, resident, waiting=number % 2 == 0, with_document=True)
    # Filing renews the portal's version, so the footer's cached fragments are built again
    # once: that visit is not the one counted.
    client.get(SPACE)
    with CaptureQueriesContext(connection) as second:
        assert client.get(SPACE).status_code == 200
    assert len(second) == len(first), "\n".join(q["sql"][:150] for q in second.captured_queries)


def test_my_space_needs_a_signed_in_resident(client, commune):
    response = client.get(SPACE)
    assert response.status_code == 302 and reverse("ecommune_accounts:login") in response.url


def test_my_space_links_each_of_the_residents_pages(client, commune, resident):
    """Each page of the resident's own is reached from « Mon espace » (« Mes rendez-vous »
    once existed with no link to it)."""
    client.force_login(resident)
    page = client.get(SPACE).content.decode()
    for name in (
        "ecommune_appointments:mine",
        "ecommune_appointments:motives",
        "ecommune_requests:mine",
        "ecommune_requests:documents",
        "ecommune_accounts:agenda",
        "ecommune_accounts:profile",
        "ecommune_families:family",
        "ecommune_invoices:list",
    ):
        assert f'href="{reverse(name)}"' in page, name
