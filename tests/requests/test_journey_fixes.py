"""The rough edges of the resident's journeys (issue 17, item 7): the person concerned asked
only when needed, one error summary with a link to each field and the focus on it, the
summary listing every piece, the beneficiary greeted by their own name, the first message
called a message, the school level in words, the cancel page's way back, the simulator
linked from the school's pages."""

import datetime

import pytest
import time_machine
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from ecommune.families.forms import ChildForm
from ecommune.notifications.models import OutboxMessage
from ecommune.requests.documents import store_document
from ecommune.testing.factories import UserFactory
from ecommune.testing.filing import Beneficiary, enable_services, filed_request
from ecommune.testing.wizard import APPLICANT, PDF, post_step, wizard_url
from tests.accounts.conftest import fr, fr_errors
from tests.services.test_elections import electoral  # noqa: F401  (fixture)
from tests.services.test_elections_contract import AFTER_DEADLINE, EVERY_ANSWER

pytestmark = pytest.mark.django_db

MESSAGE = {"topic": "roads", "subject": "Lampadaire", "message": "Le lampadaire est éteint."}
BENEFICIARY_FIELDS = ("beneficiary_first_name", "beneficiary_last_name", "beneficiary_capacity")


@pytest.fixture
def contact(commune, private_storage):
    return enable_services(commune, "contact")


def test_the_person_concerned_is_asked_on_the_next_step_only_when_filing_for_someone_else(
    client, contact
):
    first = client.get(wizard_url("contact", "applicant")).content.decode()
    for name in BENEFICIARY_FIELDS:
        assert f'name="applicant-{name}"' not in first
    # For oneself: straight to the service's step.
    response = post_step(client, "contact", "applicant", APPLICANT)
    assert response["Location"] == wizard_url("contact", "message")
    # For someone else: their step comes next, required fields and all.
    response = post_step(client, "contact", "applicant", {**APPLICANT, "on_behalf": "on"})
    assert response["Location"] == wizard_url("contact", "beneficiaire")
    response = post_step(client, "contact", "beneficiaire", {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == set(BENEFICIARY_FIELDS)
    answers = {
        "beneficiary_first_name": "Léa",
        "beneficiary_last_name": "Martin",
        "beneficiary_capacity": "parent",
        "beneficiary_email": "lea@example.org",
    }
    response = post_step(client, "contact", "beneficiaire", answers)
    assert response["Location"] == wizard_url("contact", "message")
    assert post_step(client, "contact", "message", MESSAGE).status_code == 302
    summary = dict(client.get(wizard_url("contact", "confirm")).context["summary"])
    assert summary[fr("For")] == "Léa Martin (parent)"
    post_step(client, "contact", "confirm", {"certify": "on"})
    response = client.get(wizard_url("contact", "envoi"))
    filed = response.wsgi_request.session  # the acknowledgment's page remembers it
    assert response.status_code == 302 and filed
    from ecommune.requests.models import Request

    request = Request.objects.get()
    assert (request.beneficiary_first_name, request.beneficiary_email) == (
        "Léa",
        "lea@example.org",
    )


def test_the_error_summary_links_each_field_and_takes_the_focus(client, contact):
    response = post_step(client, "contact", "applicant", {"first_name": "", "email": "x"})
    page = response.content.decode()
    summary = page[page.index('class="ec-error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert fr("There is a problem") in summary
    for name in ("first_name", "last_name", "email"):
        assert f'href="#id_applicant-{name}"' in summary
    assert fr_errors(3) in summary


def test_the_appointment_and_account_forms_say_it_the_same_way(contact):
    class Radio(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
        name = forms.CharField()

    form = Radio(data={})
    form.is_valid()
    for template in (
        "ecommune_appointments/_form_errors.html",
        "ecommune_accounts/_form_errors.html",
    ):
        html = render_to_string(template, {"form": form})
        # A group of radio buttons is reached at its first button.
        assert 'href="#id_choice_0"' in html and 'href="#id_name"' in html
        assert fr_errors(2) in html


@time_machine.travel(AFTER_DEADLINE, tick=False)
def test_the_summary_lists_the_documents_taken_from_the_residents_space(
    client,
    electoral,  # noqa: F811
):
    resident = UserFactory(email="giulia@example.org")
    kept = {
        "proof_of_attachment": ("proof_of_address", "facture-janvier.pdf"),
        "identity_document": ("identity", "passeport.pdf"),
    }
    chosen = {}
    for name, (kind, filename) in kept.items():
        document = store_document(
            uploaded=SimpleUploadedFile(filename, PDF + filename.encode(), "application/pdf"),
            kind=kind,
            commune=electoral,
            owner=resident,
        )
        chosen[f"{name}_kept"] = str(document.pk)
    client.force_login(resident)
    assert post_step(client, "elections", "applicant", APPLICANT).status_code == 302
    assert post_step(client, "elections", "voter", EVERY_ANSWER["voter"]).status_code == 302
    response = post_step(
        client, "elections", "attachment", {**EVERY_ANSWER["attachment"], **chosen}
    )
    assert response.status_code == 302, response.context["form"].errors
    summary = dict(client.get(wizard_url("elections", "confirm")).context["summary"])
    values = {str(label): str(value) for label, value in summary.items()}
    assert values[fr("Proof of your link with the commune")] == fr(
        "%(title)s (already in your documents)"
    ) % {"title": "facture-janvier.pdf"}
    assert values[fr("Copy of your proof of identity")].startswith("passeport.pdf")


def test_the_person_concerned_is_greeted_by_their_own_name(
    contact, django_capture_on_commit_callbacks
):
    filed_request(
        contact,
        "contact",
        {"message": MESSAGE},
        beneficiary=Beneficiary("Léa", "Durand", "parent", "lea@example.org"),
    )
    to_applicant = OutboxMessage.objects.get(recipient="camille@example.org")
    to_beneficiary = OutboxMessage.objects.get(recipient="lea@example.org")
    assert "Camille Martin" in to_applicant.body
    assert "Léa Durand" in to_beneficiary.body and "Camille Martin" not in to_beneficiary.body


def test_the_request_page_asks_for_a_message_until_the_town_hall_wrote(client, contact):
    resident = UserFactory(email="camille@example.org")
    from ecommune.testing.filing import Applicant

    filed = filed_request(
        contact,
        "contact",
        {"message": MESSAGE},
        applicant=Applicant("Camille", "Martin", resident.email, user=resident),
    )
    client.force_login(resident)
    page = client.get(reverse("ecommune_requests:detail", args=[filed.reference])).content
    assert fr("Your message").encode() in page and fr("Your answer").encode() not in page


def test_a_child_not_at_school_yet_reads_in_words():
    html = str(ChildForm()["level"])
    assert "---------" not in html and fr("Not at school yet") in html


def test_the_contact_topic_list_starts_with_a_word():
    from ecommune.services.contact.forms import MessageForm

    html = str(MessageForm()["topic"])
    assert "---------" not in html and f'<option value="" selected>{fr("Choose")}</option>' in html


def test_the_simulator_is_linked_from_the_canteen_page_and_the_school_service(client, commune):
    from ecommune.cms.models import related_links
    from ecommune.core.registry import registry

    simulator = reverse("ecommune_school:simulator")
    assert (fr("Estimate the monthly cost of the canteen"), simulator) in [
        (fr(label), url) for label, url in related_links([registry.get("school")])
    ]
    client.force_login(UserFactory())
    assert simulator in client.get(reverse("ecommune_school:activities")).content.decode()


def test_the_cancel_page_offers_to_keep_the_appointment(client, commune):
    from ecommune.appointments.models import Booking, Motive
    from ecommune.appointments.services import manage_urls
    from ecommune.testing.factories import make_counter

    counter = make_counter(commune)
    motive = Motive.objects.create(name="Carte d'identité", slug="cni")
    start = datetime.datetime(2030, 3, 5, 9, 30, tzinfo=datetime.UTC)
    booking = Booking.objects.create(
        reference="RDV00001",
        motive=motive,
        counter=counter,
        start=start,
        end=start + datetime.timedelta(minutes=15),
        first_name="Camille",
        last_name="Martin",
    )
    page = client.get(manage_urls(booking, absolute=False)["cancel_url"]).content.decode()
    assert fr("Keep my appointment") in page and fr("Cancel the appointment") in page


def test_the_demo_school_pages_link_the_simulator(client, tmp_path, settings):
    """On the demo portal as seeded: the school service's page and every life event that
    offers the school enrolment (« École et périscolaire ») show the simulator's link."""
    from ecommune.cms.models import LifeEventPage, ServicePage
    from ecommune.demo.seed import seed_demo

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    seed_demo(tmp_path / "credentials.json")
    simulator = reverse("ecommune_school:simulator")
    pages = [ServicePage.objects.live().get(service_slug="school")]
    pages += [p for p in LifeEventPage.objects.live() if "school" in (p.services or [])]
    assert len(pages) >= 2
    for page in pages:
        html = client.get(page.url, HTTP_HOST="saint-ebrard.localhost").content.decode()
        assert f'href="{simulator}"' in html, page.url
