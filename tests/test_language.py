"""The portal speaks the commune's language whatever the browser's: an English browser
(``Accept-Language: en``) reads only French on every resident page; another language is
offered only when the commune enables it and its catalogue is complete, never mixed."""

import gettext
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from ecommune.core import languages
from ecommune.core.models import Commune
from ecommune.core.registry import registry
from ecommune.demo.seed import RESIDENT_EMAIL, seed_demo
from tests.portal_pages import PORTAL_PAGES

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
FRENCH_MO = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.mo"

RESIDENT_PAGES = [
    "/compte/connexion/",
    "/compte/inscription/",
    "/demarches/suivi/",
    "/rendez-vous/",
    "/famille/simulateur/",
]
SIGNED_IN_PAGES = [
    "/compte/espace/",
    "/compte/profil/",
    "/demarches/mes-demandes/",
    "/demarches/mes-documents/",
    "/rendez-vous/mes-rendez-vous/",
    "/famille/",
    "/famille/factures/",
]


def english_sources() -> set[str]:
    """The catalogue's English source strings that French translates differently, long
    enough to be found in a page only by leaking (placeholders cut out)."""
    with FRENCH_MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    found = set()
    for key, translation in catalogue.items():
        source = key[0] if isinstance(key, tuple) else key
        if not source or source == translation:
            continue
        for part in re.split(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|<[^>]+>", source):
            part = part.strip(" .,:;«»()")
            if len(part) >= 14 and " " in part:
                found.add(part)
    return found


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(text))


@pytest.fixture
def demo(tmp_path):
    return seed_demo(tmp_path / "credentials.json")


def test_an_english_browser_reads_only_french_on_every_resident_page(demo, client):
    sources = english_sources()
    assert len(sources) > 500  # the catalogue was read
    commune = Commune.unscoped.get()
    wizards = [f"/demarches/{slug}/" for slug in commune.enabled_services if slug in registry]
    pages = [*PORTAL_PAGES.values(), *RESIDENT_PAGES, *wizards]
    resident = get_user_model().objects.get(email=RESIDENT_EMAIL)
    walked = 0
    for signed_in, paths in ((False, pages), (True, SIGNED_IN_PAGES)):
        if signed_in:
            client.force_login(resident)
        for path in paths:
            response = client.get(path, follow=True, **ENGLISH)
            assert response.status_code == 200, path
            assert response["Content-Language"] == "fr", path
            html = response.content.decode()
            assert '<html lang="fr"' in html, path
            text = visible_text(html)
            leaks = sorted(source for source in sources if source in text)
            assert leaks == [], (path, leaks)
            walked += 1
    assert walked >= 30


def test_a_date_and_an_amount_read_in_french_for_an_english_browser(demo, client):
    from django.template import Context, Template

    response = client.get("/", **ENGLISH)
    assert response["Content-Language"] == "fr"
    import datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.utils import translation

    # What the middleware leaves active after an English browser's request.
    assert translation.get_language() == "fr"
    moment = datetime.datetime(2027, 3, 5, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    rendered = Template(
        '{% load i18n %}{% blocktrans with d=moment|date:"l j F Y" t=moment|time:"G \\h i" %}'
        "{{ d }} at {{ t }}{% endblocktrans %} — {{ amount|floatformat:2 }} €"
    ).render(Context({"moment": moment, "amount": Decimal("33.6")}))
    assert rendered == "vendredi 5 mars 2027 à 9 h 30 — 33,60 €"


def compiled_catalogue(folder: Path, language: str, *, drop: int = 0) -> None:
    """A catalogue for ``language`` translating every message of the French one (as its
    English source), but the first ``drop`` ones."""
    with FRENCH_MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    keys = sorted((k for k in catalogue if isinstance(k, str) and k), key=str)[drop:]

    def quote(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = [
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        "",
    ]
    for key in keys:
        lines += [f"msgid {quote(key)}", f"msgstr {quote(key)}", ""]
    for key in sorted({k[0] for k in catalogue if isinstance(k, tuple)}):
        lines += [f"msgid {quote(key)}", f"msgid_plural {quote(key)}"]
        lines += [f"msgstr[0] {quote(key)}", f"msgstr[1] {quote(key)}", ""]
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    po = target / "django.po"
    po.write_text("\n".join(lines), encoding="utf-8")
    subprocess.run([shutil.which("msgfmt"), "-o", str(target / "django.mo"), str(po)], check=True)


@pytest.mark.parametrize(("drop", "served"), [(0, "en"), (1, "fr")])
def test_another_language_only_when_the_commune_enables_it_and_it_is_complete(
    demo, client, settings, tmp_path, drop, served
):
    compiled_catalogue(tmp_path, "en", drop=drop)
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
    languages.complete_languages.cache_clear()
    try:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        # Not enabled: French, whatever the cookie says.
        assert client.get("/compte/connexion/")["Content-Language"] == "fr"
        Commune.unscoped.update(other_languages="en")
        response = client.get("/compte/connexion/")
        assert response["Content-Language"] == served
        assert f'<html lang="{served}"' in response.content.decode()
    finally:
        languages.complete_languages.cache_clear()
