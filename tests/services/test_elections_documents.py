"""Electoral registration with documents already in the resident's space: a signed-in
resident chooses them instead of uploading again, and cannot choose anyone else's.

Messages are compared with their gettext translation: French once the catalogue has them."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from ecommune.core import tenancy
from ecommune.requests.document_steps import reusable_documents
from ecommune.requests.documents import store_document
from ecommune.requests.models import Document, Request
from ecommune.testing.factories import UserFactory
from tests.services.helpers import (
    APPLICANT,
    PDF,
    errors_of,
    post_step,
    private_storage,  # noqa: F401  (fixture)
)
from tests.services.test_elections import ATTACHMENT, NOW, electoral  # noqa: F401

OTHER_PDF = PDF + b"% another file\n"


def keep(owner, commune, kind, content=PDF, name="piece.pdf"):
    return store_document(
        uploaded=SimpleUploadedFile(name, content, "application/pdf"),
        kind=kind,
        commune=commune,
        owner=owner,
    )


def signed_in_voter(client, electoral):  # noqa: F811
    from tests.services.test_elections import VOTER

    resident = UserFactory(email=APPLICANT["email"])
    client.force_login(resident)
    assert post_step(client, "elections", "applicant", APPLICANT).status_code == 302
    assert post_step(client, "elections", "voter", VOTER).status_code == 302
    return resident


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_resident_files_with_documents_of_their_space_without_uploading(client, electoral):  # noqa: F811
    resident = signed_in_voter(client, electoral)
    identity = keep(resident, electoral, "identity", name="cni.pdf")
    proof = keep(resident, electoral, "proof_of_address", OTHER_PDF, "facture.pdf")

    page = client.get("/demarches/elections/attachment/").content.decode()
    assert _("Or a document already in your space") in page
    assert f'value="{identity.pk}"' in page and "cni.pdf" in page

    response = post_step(
        client,
        "elections",
        "attachment",
        {
            **ATTACHMENT,
            "identity_document_kept": identity.pk,
            "proof_of_attachment_kept": proof.pk,
        },
    )
    assert response.status_code == 302, errors_of(response)
    done = post_step(client, "elections", "confirm", {"certify": "on"})
    client.get(done["Location"])
    filed = Request.unscoped.get(service="elections")
    assert set(filed.documents.all()) == {identity, proof}
    assert Document.unscoped.count() == 2  # nothing uploaded again


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_without_a_file_nor_a_kept_document_the_step_asks_for_one(client, electoral):  # noqa: F811
    resident = signed_in_voter(client, electoral)
    keep(resident, electoral, "identity")
    response = post_step(client, "elections", "attachment", ATTACHMENT)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["identity_document"] == [_("Send a file or choose a document of your space.")]
    assert "proof_of_attachment" in errors  # nothing kept of that kind: the upload is required


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_another_residents_document_cannot_be_chosen_by_forging_the_post(client, electoral):  # noqa: F811
    resident = signed_in_voter(client, electoral)
    keep(resident, electoral, "identity")
    stranger = UserFactory(email="stranger@example.org")
    theirs = keep(stranger, electoral, "identity", OTHER_PDF, "their-id.pdf")
    theirs_proof = keep(stranger, electoral, "proof_of_address", OTHER_PDF, "their-bill.pdf")

    assert "their-id.pdf" not in client.get("/demarches/elections/attachment/").content.decode()
    response = post_step(
        client,
        "elections",
        "attachment",
        {
            **ATTACHMENT,
            "identity_document_kept": theirs.pk,
            "proof_of_attachment_kept": theirs_proof.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["identity_document_kept"] == [_("Choose one of the documents of your own space.")]
    # No document of this kind in the resident's space: the field is not even offered.
    assert "proof_of_attachment_kept" not in response.context["form"].fields
    assert not Request.unscoped.exists() and not theirs.requests.exists()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_only_still_kept_documents_of_the_kind_and_commune_are_offered(electoral):  # noqa: F811
    resident = UserFactory()
    identity = keep(resident, electoral, "identity")
    keep(resident, electoral, "proof_of_address", OTHER_PDF)
    expired = keep(resident, electoral, "identity", OTHER_PDF + b"x")
    Document.unscoped.filter(pk=expired.pk).update(expires_at=NOW - datetime.timedelta(days=1))
    with tenancy.using(electoral):
        assert list(reusable_documents(resident, "identity")) == [identity]
