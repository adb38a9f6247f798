"""A designed procedure with a field of every kind is valid HTML for the Nu checker in both
themes: each step empty, with its errors, the summary and the acknowledgment."""

import pytest

from ecommune.core import tenancy
from ecommune.core.models import Commune
from ecommune.testing.wizard import APPLICANT, pdf_upload, post_step
from tests.procedures.kinds import FIELDS, RIGHT, WRONG, every_kind_procedure
from tests.vnu.test_html import HOST, demo, html_of, needs_vnu, vnu_errors  # noqa: F401

pytestmark = pytest.mark.django_db
SLUG = "fete-de-quartier"


def walk(client) -> dict[str, str]:
    def post(step, data, files=None):
        return post_step(client, SLUG, step, data, files, **HOST)

    pages = {"applicant": html_of(client.get(f"/demarches/{SLUG}/applicant/", **HOST))}
    assert post("applicant", APPLICANT).status_code == 302
    for step in ("etape-1", "etape-2"):
        pages[step] = html_of(client.get(f"/demarches/{SLUG}/{step}/", **HOST))
        refused = post(step, WRONG[step])
        assert refused.status_code == 200
        pages[f"{step}-errors"] = html_of(refused)
        files = {"assurance": pdf_upload("assurance.pdf")} if step == "etape-2" else None
        assert post(step, RIGHT[step], files).status_code == 302
    pages["confirm"] = html_of(client.get(f"/demarches/{SLUG}/confirm/", **HOST))
    sent = post("confirm", {"certify": "on"})
    done = client.get(sent["Location"], **HOST)
    pages["acknowledgment"] = html_of(client.get(done["Location"], **HOST))
    return pages


@needs_vnu
def test_every_field_kind_of_a_designed_procedure_is_valid_html_in_both_themes(
    demo,  # noqa: F811
    client,
    tmp_path,
):
    commune = Commune.unscoped.get()
    with tenancy.using(commune):
        every_kind_procedure(commune)
    assert len({kind for _step, kind, *_rest in FIELDS}) == 12
    documents = {}
    for theme in ("commune", "dsfr"):
        Commune.unscoped.update(theme=theme)
        client.cookies.clear()
        for name, html in walk(client).items():
            documents[f"{theme}-designed-{name}"] = html
    assert "Date de l’événement" in documents["commune-designed-etape-1"]
    assert "Licence de débit de boissons" in documents["dsfr-designed-etape-2-errors"]
    errors = vnu_errors(documents, tmp_path)
    print(f"\nNu HTML checker: {len(documents)} pages, {len(errors)} errors")
    assert errors == [], "\n".join(errors)
