"""Drafts (issue 17.5): a signed-in resident who leaves a wizard finds it in « Mon espace »,
resumes it on another device at the step where they left, with its files; filing or
deleting it removes it; the daily purge deletes it after its retention period with its
files; a procedure changed since keeps what still applies and says so."""

import datetime
import os
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ecommune.requests import drafts, wizard_files
from ecommune.requests.models import Draft, Request
from ecommune.testing.factories import UserFactory
from ecommune.testing.wizard import pdf_upload, post_step, wizard_url
from tests.accounts.conftest import fr

pytestmark = pytest.mark.django_db

SPACE = reverse("ecommune_accounts:space")
APPLICANT = {"first_name": "Camille", "last_name": "Martin", "email": "camille@example.org"}
MESSAGE = {"topic": "roads", "subject": "Lampadaire éteint", "message": "Rue des Tilleuls."}


@pytest.fixture
def resident(commune, private_storage):
    commune.enabled_services = ["contact"]
    commune.save()
    return UserFactory(email="camille@example.org")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def started(user, attachment=True) -> Client:
    """A resident who sent the first two steps of « Écrire à la mairie » and left."""
    client = signed_in(user)
    assert post_step(client, "contact", "applicant", APPLICANT).status_code == 302
    files = {"attachment": pdf_upload("photo-lampadaire.pdf")} if attachment else None
    assert post_step(client, "contact", "message", MESSAGE, files).status_code == 302
    return client


def resume(client, draft):
    return client.post(reverse("ecommune_requests:draft_resume", args=[draft.pk]))


def test_each_step_sent_saves_the_draft_and_the_space_offers_it(resident):
    client = started(resident)
    draft = Draft.objects.get(owner=resident)
    assert draft.service == "contact"
    assert draft.data["step"] == "confirm"
    assert set(draft.data["step_data"]) == {"applicant", "message"}
    page = client.get(SPACE).content.decode()
    assert fr("Forms to finish") in page
    assert reverse("ecommune_requests:draft_resume", args=[draft.pk]) in page
    assert reverse("ecommune_requests:draft_delete", args=[draft.pk]) in page
    kept_until = timezone.localtime(draft.updated_at + datetime.timedelta(days=30))
    assert kept_until.strftime("%Y") in page


def test_another_device_resumes_at_the_step_left_with_the_answers_and_the_file(resident):
    started(resident)
    draft = Draft.objects.get(owner=resident)
    phone = signed_in(resident)  # a new session: nothing of the wizard in it
    response = resume(phone, draft)
    assert response["Location"] == wizard_url("contact")
    summary = phone.get(wizard_url("contact"), follow=True)
    assert summary.context["wizard"]["steps"].current == "confirm"
    page = summary.content.decode()
    assert "Lampadaire éteint" in page and "photo-lampadaire" in page
    sent = post_step(phone, "contact", "confirm", {"certify": "on"})
    acknowledgment = phone.get(sent["Location"], follow=True)
    assert acknowledgment.status_code == 200
    filed = Request.objects.get()
    assert filed.documents.get().original_name == "photo-lampadaire.pdf"
    assert not Draft.objects.exists()  # filing removed the draft


def test_anonymous_visitors_keep_their_session_only(resident):
    client = Client()
    assert post_step(client, "contact", "applicant", APPLICANT).status_code == 302
    assert not Draft.objects.exists()


def test_deleting_a_draft_removes_it_its_files_and_the_sessions_wizard(
    resident, django_capture_on_commit_callbacks
):
    client = started(resident)
    draft = Draft.objects.get(owner=resident)
    (stored,) = [f["tmp_name"] for f in draft.data["step_files"]["message"].values()]
    assert wizard_files.storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ecommune_requests:draft_delete", args=[draft.pk]), follow=True
        )
    assert fr("The draft « %(title)s » is deleted.") % {"title": draft.title} in (
        response.content.decode()
    )
    assert not Draft.objects.exists()
    assert not wizard_files.storage.exists(stored)
    # The wizard starts again from its first step.
    assert client.get(wizard_url("contact"))["Location"] == wizard_url("contact", "applicant")


def test_another_residents_draft_is_a_404_and_a_get_changes_nothing(resident):
    started(resident)
    draft = Draft.objects.get(owner=resident)
    stranger = signed_in(UserFactory(email="autre@example.org"))
    assert resume(stranger, draft).status_code == 404
    delete = reverse("ecommune_requests:draft_delete", args=[draft.pk])
    assert stranger.post(delete).status_code == 404
    assert Draft.objects.filter(pk=draft.pk).exists()
    owner = signed_in(resident)
    assert owner.get(delete).status_code == 405
    anonymous = Client().post(reverse("ecommune_requests:draft_resume", args=[draft.pk]))
    assert anonymous.status_code == 302 and "/compte/connexion/" in anonymous["Location"]
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_the_daily_purge_deletes_old_drafts_with_their_files_and_spares_young_ones(
    resident, django_capture_on_commit_callbacks
):
    started(resident)
    old = Draft.objects.get(owner=resident)
    (old_file,) = [f["tmp_name"] for f in old.data["step_files"]["message"].values()]
    other = UserFactory(email="dominique@example.org")
    started(other)
    young = Draft.objects.get(owner=other)
    (young_file,) = [f["tmp_name"] for f in young.data["step_files"]["message"].values()]
    Draft.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(31))
    # Both files are older than a day: the abandoned wizards' purge spares the young draft's.
    for name in (old_file, young_file):
        moment = time.time() - 3 * 86400
        os.utime(wizard_files.storage.path(name), (moment, moment))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ecommune_purge_documents")
    assert list(Draft.objects.all()) == [young]
    assert not wizard_files.storage.exists(old_file)
    assert wizard_files.storage.exists(young_file)


def test_a_procedure_changed_since_keeps_what_still_applies_and_says_so(resident):
    started(resident, attachment=False)
    draft = Draft.objects.get(owner=resident)
    # As saved from an earlier shape of the procedure: a step and a field gone since.
    draft.fingerprint = "an-earlier-version"
    draft.data["step_data"]["message"]["message-removed_field"] = ["ancienne réponse"]
    draft.data["step_data"]["gone"] = {"gone-anything": ["x"]}
    draft.data["step"] = "gone"
    draft.save()
    client = signed_in(resident)
    page = client.post(
        reverse("ecommune_requests:draft_resume", args=[draft.pk]), follow=True
    ).content.decode()
    assert (
        fr(
            "This procedure has changed since you started it: the answers that still apply "
            "have been kept. Check each step before sending."
        )
        in page
    )
    stored = client.session["wizard_ecommune_contact"]
    assert "gone" not in stored["step_data"]
    assert "message-removed_field" not in stored["step_data"]["message"]
    assert stored["step"] == "applicant"  # the step it was at is gone: from the first
    message = client.get(wizard_url("contact", "message")).content.decode()
    assert "Lampadaire éteint" in message


def test_the_fingerprint_follows_the_steps_and_fields():
    from django import forms

    class One(forms.Form):
        a = forms.CharField()

    class Two(forms.Form):
        a = forms.CharField()
        b = forms.CharField()

    assert drafts.fingerprint({"s": One}) == drafts.fingerprint({"s": One})
    assert drafts.fingerprint({"s": One}) != drafts.fingerprint({"s": Two})
    assert drafts.fingerprint({"s": One}) != drafts.fingerprint({"t": One})
