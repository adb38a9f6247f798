"""The widgets' pages (one commune each, the one the host name selects) and ``embed.js``.

The figures come from the public API's functions (``ecommune.api.data``), kept a few
seconds per commune: a widget shown on a busy site costs the same queries as one view."""

import json

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from ecommune.api import data
from ecommune.core.portal_cache import cached
from ecommune.core.tenancy import require_commune
from ecommune.widgets.catalogue import BY_SLUG, NEWS_ITEMS, PARAM_PATTERN, WIDGETS
from ecommune.widgets.framing import embeddable

#: How long ``embed.js`` may be kept (seconds).
EMBED_MAX_AGE = 300


def _render(request, commune, template, widget_slug, context):
    return render(
        request,
        f"ecommune_widgets/{template}",
        {
            "commune": commune,
            "widget": BY_SLUG[widget_slug],
            "home_url": commune.public_url("/"),
            **context,
        },
    )


@embeddable
def next_slot(request, commune, motive_slug):
    """The next free appointment of one motive, and the link to book it."""
    motive = next((m for m in data.motives_data(commune) if m["slug"] == motive_slug), None)
    if motive is None:
        raise Http404
    return _render(request, commune, "next_slot.html", "prochain-creneau", {"motive": motive})


@embeddable
def waiting(request, commune):
    """The waiting time at each counter, refreshed every 30 seconds with JavaScript."""
    return _render(
        request,
        commune,
        "waiting.html",
        "attente",
        {
            "counters": data.waiting_times(commune),
            "queue_url": commune.public_url(reverse("ecommune_queue:overview")),
        },
    )


def _news_index_url(commune) -> str:
    from ecommune.cms.models import NewsIndexPage

    def compute():
        index = NewsIndexPage.objects.live().public().descendant_of(commune.site.root_page).first()
        return commune.public_url(index.relative_url(commune.site) if index else "/")

    return cached(commune, "widgets:news-index", compute)


@embeddable
def news(request, commune):
    """The latest news of the commune's portal."""
    return _render(
        request,
        commune,
        "news.html",
        "actualites",
        {"items": data.news_data(commune, NEWS_ITEMS), "index_url": _news_index_url(commune)},
    )


def _fiche(commune, publication_id):
    from ecommune.cms.models import fiches_by_ids

    def compute():
        found = fiches_by_ids([publication_id])
        if not found:
            return {}
        fiche = found[0]
        return {
            "id": fiche.publication_id,
            "title": fiche.title,
            "description": fiche.description,
            "checked_on": fiche.modified,
            "url": commune.public_url(fiche.get_absolute_url()),
        }

    return cached(commune, f"widgets:fiche:{publication_id}", compute)


@embeddable
def fiche(request, commune, publication_id):
    """A « Vos droits » fiche: its title, its summary and the link to the whole fiche on the
    commune's portal (with the town hall's block)."""
    if not (0 < len(publication_id) <= 20 and publication_id.isalnum()):
        raise Http404
    found = _fiche(commune, publication_id)
    if not found:
        raise Http404
    return _render(request, commune, "fiche.html", "fiche", {"fiche": found})


def embed_config(commune) -> dict:
    """What ``embed.js`` knows of each widget: its path (on the host ``embed.js`` came
    from), the parameter it needs, its frame's title and height."""
    config = {}
    for widget in WIDGETS:
        placeholder = "__value__"
        path = widget.path(placeholder) if widget.param else widget.path()
        config[widget.slug] = {
            "path": path,
            "param": widget.param,
            "title": widget.frame_title(commune),
            "height": widget.height,
        }
    return config


def embed_js(request):
    """The script form: ``<script src=".../widgets/embed.js" data-widget="attente" async>``
    puts the widget's ``<iframe>`` (titled, sized) right after itself."""
    commune = require_commune(request)
    response = render(
        request,
        "ecommune_widgets/embed.js",
        {
            "config": json.dumps(embed_config(commune), ensure_ascii=True),
            "pattern": json.dumps(PARAM_PATTERN),
            "slugs": [widget.slug for widget in WIDGETS],
        },
        content_type="text/javascript; charset=utf-8",
    )
    patch_cache_control(response, public=True, max_age=EMBED_MAX_AGE)
    return response
