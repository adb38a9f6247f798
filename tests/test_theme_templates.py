"""Engine templates live in their apps; a theme only overrides (issue 14).

The ``commune`` theme keeps what is the theme's: the page layout (``base.html``), the
error pages and the partials that link its style sheets; every other template is its
app's, so a third-party theme overrides it under the same name and an app carries its
own pages. The ``dsfr`` theme still overrides what it did.
"""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.template.loader import get_template

import ecommune
from ecommune.core import tenancy

pytestmark = [pytest.mark.django_db, pytest.mark.outside_commune]

PACKAGE = Path(ecommune.__file__).parent
ROOT = PACKAGE.parent.parent
THEME_OWN = {"base.html"}


def _theme_templates(name):
    folder = PACKAGE / "themes" / name / "templates"
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _app_templates():
    for folder in sorted(PACKAGE.rglob("templates")):
        if "themes" in folder.relative_to(PACKAGE).parts or "scaffold" in folder.parts:
            continue
        for path in sorted(folder.rglob("*.html")):
            yield path.relative_to(folder).as_posix(), path


def test_the_commune_theme_holds_only_its_layout_and_styles():
    engine_templates = [
        name
        for name in _theme_templates("commune")
        if name not in THEME_OWN
        and not name.endswith("/_styles.html")
        and not re.fullmatch(r"\d{3}\.html", name)  # the error pages (400, 404)
    ]
    assert engine_templates == []


@pytest.mark.parametrize("theme", ["commune", "dsfr"])
def test_every_app_template_is_found_in_every_theme(commune, theme):
    commune.theme = theme
    engines["django"].engine.template_loaders[0].reset()
    found = 0
    with tenancy.using(commune):
        for name, path in _app_templates():
            template = get_template(name)
            origin = Path(template.origin.name)
            if name in _theme_templates(theme):
                assert "themes" in origin.parts, name
            else:
                assert origin == path, (name, origin)
            found += 1
    assert found > 100


def test_the_dsfr_theme_still_overrides_its_templates(commune):
    commune.theme = "dsfr"
    with tenancy.using(commune):
        for name in _theme_templates("dsfr"):
            origin = Path(get_template(name).origin.name)
            assert origin.is_relative_to(PACKAGE / "themes" / "dsfr"), name
    assert "ecommune_cms/_footer_links.html" in _theme_templates("dsfr")


def test_the_repositorys_themes_folder_is_the_packages():
    assert (ROOT / "themes").resolve() == (PACKAGE / "themes").resolve()
