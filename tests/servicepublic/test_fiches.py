"""service-public.fr co-branding: reading the DILA XML, incremental import, the fiche page."""

import shutil
import zipfile
from html import unescape

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ecommune.servicepublic.importer import SAMPLE_DIR, import_publications
from ecommune.servicepublic.models import Fiche
from ecommune.servicepublic.parser import UnreadablePublication, parse

F1367 = (SAMPLE_DIR / "F1367.xml").read_bytes()
N19810 = (SAMPLE_DIR / "N19810.xml").read_bytes()


def test_the_real_fiche_is_read_with_its_date_links_and_local_answer():
    fiche = parse(F1367)
    assert fiche.publication_id == "F1367"
    assert fiche.title == "Listes électorales : en cas de première inscription"
    assert str(fiche.modified) == "2026-01-09"
    assert fiche.sp_url == "https://www.service-public.gouv.fr/particuliers/vosdroits/F1367"
    assert fiche.local_contact  # OuSAdresser with PivotLocal « mairie »
    assert any(
        s["url"] == "https://www.inscriptionelectorale.service-public.fr"
        for s in fiche.online_services
    )
    # Links between fiches stay inside the site.
    assert '<a href="/vos-droits/F1937/">' in fiche.body_html
    assert "F1937" in fiche.related_ids
    assert ("N47", "Élections") in fiche.breadcrumb
    # The interactive conditions of service-public.fr are not shown.
    assert "T10010" not in fiche.body_html and "estVrai" not in fiche.body_html
    assert "<h2>Mairie</h2>" in fiche.body_html


def test_the_body_never_carries_markup_from_the_file():
    data = F1367.replace(
        b"<Paragraphe>Pour voter, vous devez",
        b"<Paragraphe>&lt;script&gt;alert(1)&lt;/script&gt; Pour voter, vous devez",
    )
    fiche = parse(data)
    assert "<script>" not in fiche.body_html
    assert "&lt;script&gt;" in fiche.body_html


def test_a_theme_lists_its_sub_themes_and_dossiers():
    theme = parse(N19810)
    assert theme.publication_type == "Theme"
    assert '<a href="/vos-droits/N47/">Élections</a>' in theme.body_html
    assert "<h2>Citoyenneté</h2>" in theme.body_html


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<Publication", "invalid XML"),
        (b"<Other ID='F1'/>", "not <Publication>"),
        (b"<Publication ID='X1'/>", "invalid ID"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><Publication ID="F1">&a;</Publication>', "invalid"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(data, reason):
    with pytest.raises(UnreadablePublication, match=reason):
        parse(data)


@pytest.fixture
def sample_dir(tmp_path):
    folder = tmp_path / "vosdroits"
    folder.mkdir()
    for name in ("F1367.xml", "N19810.xml"):
        shutil.copy(SAMPLE_DIR / name, folder / name)
    return folder


@pytest.mark.django_db
def test_import_is_incremental_and_unpublishes_what_disappeared(sample_dir, caplog):
    first = import_publications(sample_dir)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    fiche = Fiche.objects.get(publication_id="F1367")
    stamp = fiche.imported_at

    again = import_publications(sample_dir)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    fiche.refresh_from_db()
    assert fiche.imported_at == stamp  # not rewritten

    (sample_dir / "F1367.xml").write_bytes(
        F1367.replace(b"modified 2026-01-09", b"modified 2026-02-01")
    )
    (sample_dir / "N19810.xml").unlink()
    (sample_dir / "F9999.xml").write_bytes(b"<Publication ID='F9999'>")
    third = import_publications(sample_dir)
    assert (third.updated, third.unpublished) == (1, 1)
    assert third.errors[0][0] == "F9999.xml"
    assert "F9999.xml not imported" in caplog.text
    assert str(Fiche.objects.get(publication_id="F1367").modified) == "2026-02-01"
    assert not Fiche.objects.get(publication_id="N19810").is_published

    shutil.copy(SAMPLE_DIR / "N19810.xml", sample_dir / "N19810.xml")
    import_publications(sample_dir)
    assert Fiche.objects.get(publication_id="N19810").is_published


@pytest.mark.django_db
def test_the_command_reads_a_zip_and_reports(tmp_path, capsys):
    archive = tmp_path / "vosdroits-latest.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("vosdroits/F1367.xml", F1367)
        zipped.writestr("vosdroits/N19810.xml", N19810)
        zipped.writestr("vosdroits/arborescence.xml", b"<Arborescence/>")
    call_command("ecommune_import_fiches", str(archive))
    out = capsys.readouterr().out
    assert "created 2, updated 0, unchanged 0, unpublished 0, unreadable 0" in out
    assert Fiche.objects.published().count() == 2


def _zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return path


def _damaged_member(tmp_path):
    """A zip whose directory is sound but whose second member fails its CRC."""
    archive = _zip(
        tmp_path / "vosdroits-latest.zip", {"vosdroits/F1367.xml": F1367, "N19810.xml": N19810}
    )
    data = bytearray(archive.read_bytes())
    where = data.index(N19810[200:240])
    data[where] ^= 0x01
    archive.write_bytes(bytes(data))
    return archive


def _truncated(tmp_path):
    whole = _zip(
        tmp_path / "whole.zip",
        {"vosdroits/F1367.xml": F1367, "vosdroits/N19810.xml": N19810},
        zipfile.ZIP_DEFLATED,
    ).read_bytes()
    archive = tmp_path / "vosdroits-latest.zip"
    archive.write_bytes(whole[: len(whole) // 2])
    return archive


def _error_page(tmp_path):
    archive = tmp_path / "vosdroits-latest.zip"
    archive.write_text("<html><body>503 Service Unavailable</body></html>")
    return archive


def _empty_zip(tmp_path):
    return _zip(tmp_path / "vosdroits-latest.zip", {"vosdroits/arborescence.xml": b"<A/>"})


def _empty_folder(tmp_path):
    (tmp_path / "vosdroits").mkdir()
    return tmp_path / "vosdroits"


def _no_fiche_readable(tmp_path):
    return _zip(
        tmp_path / "vosdroits-latest.zip",
        {"vosdroits/F1367.xml": F1367[:300], "vosdroits/N19810.xml": b"<html/>"},
    )


def _unreadable_fiche(tmp_path):
    fiche = tmp_path / "F1367.xml"
    fiche.write_bytes(F1367[:300])
    return fiche


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_truncated, "not a zip archive"),
        (_error_page, "not a zip archive"),
        (_damaged_member, "N19810.xml cannot be read"),
        (_empty_zip, "holds no publication file"),
        (_empty_folder, "holds no publication file"),
        (_no_fiche_readable, "no publication could be read (F1367.xml: "),
        (_unreadable_fiche, "no fiche could be read (F1367.xml: "),
    ],
)
def test_an_unreadable_set_is_refused_in_one_line_and_unpublishes_nothing(
    make, reason, tmp_path, capsys
):
    import_publications(SAMPLE_DIR)
    published = set(Fiche.objects.published().values_list("publication_id", flat=True))
    assert len(published) >= 2
    path = make(tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command("ecommune_import_fiches", str(path))
    assert refused.value.returncode == 2
    message = str(refused.value)
    assert "\n" not in message and reason in message and str(path) in message
    assert set(Fiche.objects.published().values_list("publication_id", flat=True)) == published


@pytest.mark.django_db
def test_importing_one_file_leaves_the_others_published(sample_dir):
    import_publications(sample_dir)
    report = import_publications(sample_dir / "F1367.xml")
    assert report.unpublished == 0
    assert Fiche.objects.published().count() == 2


@pytest.fixture
def fiches(db):
    import_publications(SAMPLE_DIR)


def test_the_fiche_page_shows_the_source_date_and_the_town_hall(full_commune, fiches, client):
    response = client.get("/vos-droits/F1367/", HTTP_HOST="commune-a.test")
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Vérifié le 9 janvier 2026" in html
    assert "Direction de l'information légale et administrative (Premier ministre)" in html
    assert "Licence Ouverte / Etalab 2.0" in html
    where = html[html.index("Où s'adresser ?") :]
    assert 'id="votre-mairie"' in where and "Mairie de Commune-A" in where
    assert "2 rue de la Mairie" in where
    # The commune's own electoral-registration service is offered on the fiche.
    assert "Faites-le en ligne avec la mairie" in html
    assert 'href="/demarches-en-ligne/sinscrire-sur-les-listes-electorales/"' in html


def test_a_fiche_without_the_service_enabled_offers_no_online_request(full_commune, fiches, client):
    full_commune.enabled_services = ["contact"]
    full_commune.save()
    html = unescape(client.get("/vos-droits/F1367/", HTTP_HOST="commune-a.test").content.decode())
    assert "Faites-le en ligne avec la mairie" not in html


def test_a_fiche_not_imported_sends_to_service_public(full_commune, fiches, client):
    response = client.get("/vos-droits/F1937/", HTTP_HOST="commune-a.test")
    assert response.status_code == 302
    assert response["Location"] == "https://www.service-public.gouv.fr/particuliers/vosdroits/F1937"
    assert client.get("/vos-droits/nimportequoi/", HTTP_HOST="commune-a.test").status_code == 404


def test_the_index_lists_the_themes(full_commune, fiches, client):
    html = client.get("/vos-droits/", HTTP_HOST="commune-a.test").content.decode()
    assert 'href="/vos-droits/N19810/"' in html
