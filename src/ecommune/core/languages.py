"""The portal's language: the commune's, never the browser's.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``: an English phone
got English strings mixed with French pages (« To vote in the élections présidentielles
… friday 5 March 2027 ») under ``<html lang="fr">``. The kit speaks the commune's
language (``LANGUAGE_CODE``, French) to everyone. A commune may offer another language
(``Commune.other_languages``), and a resident then picks it explicitly (the language
cookie Django's ``set_language`` view writes); it is honoured only when that language's
catalogue translates every string the French one does (``complete_languages``), so a page
is never half in one language, half in another.
"""

import functools
import gettext
from pathlib import Path

from django.conf import settings
from django.utils import translation


def _catalogue(language: str) -> dict | None:
    """The messages of ``language``'s ``django.mo`` in the kit's ``LOCALE_PATHS``."""
    for folder in settings.LOCALE_PATHS:
        path = Path(folder) / language / "LC_MESSAGES" / "django.mo"
        if path.exists():
            with path.open("rb") as handle:
                return dict(gettext.GNUTranslations(handle)._catalog)
    return None


def missing_messages(language: str) -> set[str]:
    """The messages of the reference (``LANGUAGE_CODE``) catalogue that ``language``'s
    catalogue leaves untranslated; all of them when it has none."""
    reference = _catalogue(settings.LANGUAGE_CODE) or {}
    wanted = {key for key in reference if key}
    if language == settings.LANGUAGE_CODE:
        return set()
    other = _catalogue(language)
    if other is None:
        return {str(key) for key in wanted}
    return {str(key) for key in wanted if not other.get(key)}


@functools.cache
def complete_languages() -> frozenset[str]:
    """The languages a commune may offer: the site's own, and those whose catalogue is
    complete."""
    known = {code for code, _name in settings.LANGUAGES}
    return frozenset(
        code for code in known if code == settings.LANGUAGE_CODE or not missing_messages(code)
    )


def offered_languages(commune) -> list[str]:
    """The commune's language first, then the other languages it enabled that are
    complete."""
    offered = [settings.LANGUAGE_CODE]
    if commune is not None:
        complete = complete_languages()
        offered += [code for code in commune.other_language_list if code in complete]
    return offered


def resident_language(request) -> str:
    """The language of this page: the commune's, or another one it offers that the
    resident chose (never the browser's ``Accept-Language``)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    commune = getattr(request, "commune", None)
    if chosen and chosen != settings.LANGUAGE_CODE and chosen in offered_languages(commune):
        return chosen
    return settings.LANGUAGE_CODE


class CommuneLanguageMiddleware:
    """Stands where Django's ``LocaleMiddleware`` stood: every request starts in the
    site's language; once the commune is known (``process_view``, after
    ``CurrentCommuneMiddleware``) a language the commune offers and the resident chose
    replaces it. The back office keeps Wagtail's own choice (the agent's profile)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        language = resident_language(request)
        if language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
