"""Themes: a folder of templates and static files, chosen per commune.

A theme lives in ``ecommune/themes/<name>/`` (or in a folder listed in the
``ECOMMUNE_THEMES_DIRS`` environment variable, colon-separated) with a
``manifest.json`` (``{"name": …, "label": …, "parent": …}``). Templates are
looked up in the current commune's theme, then its parent, then the apps'.
A theme overrides templates and static files only; forms stay the engine's.
"""

import json
import os
from functools import cache
from pathlib import Path

from django.template.loaders import cached, filesystem

PACKAGE_THEMES_DIR = Path(__file__).resolve().parent.parent / "themes"
DEFAULT_THEME = "commune"


@cache
def available_themes() -> dict[str, dict]:
    """Every installed theme's manifest, by name."""
    folders = [PACKAGE_THEMES_DIR] + [
        Path(p) for p in os.environ.get("ECOMMUNE_THEMES_DIRS", "").split(os.pathsep) if p
    ]
    themes: dict[str, dict] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for manifest_path in sorted(folder.glob("*/manifest.json")):
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            manifest["path"] = manifest_path.parent
            themes[manifest["name"]] = manifest
    return themes


def theme_choices() -> list[tuple[str, str]]:
    return [(name, manifest.get("label", name)) for name, manifest in available_themes().items()]


def theme_static_dirs() -> list[tuple[str, str]]:
    """STATICFILES_DIRS entries: each theme's static/ served under /static/themes/<name>/."""
    return [
        (f"themes/{name}", str(manifest["path"] / "static"))
        for name, manifest in available_themes().items()
        if (manifest["path"] / "static").is_dir()
    ]


def theme_chain(name: str) -> list[str]:
    """The theme and its parents, most specific first."""
    themes = available_themes()
    chain = []
    while name and name in themes and name not in chain:
        chain.append(name)
        name = themes[name].get("parent")
    if DEFAULT_THEME not in chain and DEFAULT_THEME in themes:
        chain.append(DEFAULT_THEME)
    return chain


def current_theme() -> str:
    from ecommune.core.tenancy import get_current_commune

    commune = get_current_commune()
    if commune is not None and commune.theme in available_themes():
        return commune.theme
    from django.conf import settings

    return getattr(settings, "ECOMMUNE_DEFAULT_THEME", DEFAULT_THEME)


class ThemeDirectoriesLoader(filesystem.Loader):
    """Looks in the current theme's templates/, then its parents'."""

    def get_dirs(self):
        themes = available_themes()
        return [themes[name]["path"] / "templates" for name in theme_chain(current_theme())]


class ThemeLoader(cached.Loader):
    """Django's cached loader, with the theme in the cache key: communes never share a theme."""

    def __init__(self, engine, loaders=None):
        super().__init__(
            engine,
            loaders
            or [
                "ecommune.core.themes.ThemeDirectoriesLoader",
                "django.template.loaders.app_directories.Loader",
            ],
        )

    def cache_key(self, template_name, skip=None):
        return f"{current_theme()}:{super().cache_key(template_name, skip)}"
