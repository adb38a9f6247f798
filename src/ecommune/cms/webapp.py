"""What makes the portal installable on a phone and shared well: the per-commune web app
manifest, its PNG icons (drawn here, so a commune needs no image to start) and the Open Graph
description of a page. Not the theme's CSS: see ``ecommune.core.views.commune_theme_css``."""

import io
import json

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from ecommune.core.validators import HEX_COLOUR_RE

ICON_SIZES = (192, 512)
DEFAULT_COLOUR = "#1f4e8c"
DSFR_BLUE = "#000091"
# The favicon's town hall (favicon.svg), on a 32-unit grid.
TOWN_HALL = ((6, 26), (6, 14), (16, 7), (26, 14), (26, 26), (20, 26), (20, 19), (12, 19), (12, 26))


def theme_colour(commune) -> str:
    """The colour a phone paints its bars with: the State's blue in the DSFR theme, else the
    commune's main colour (already checked for contrast when saved)."""
    if commune is None:
        return DEFAULT_COLOUR
    if commune.theme == "dsfr":
        return DSFR_BLUE
    colour = commune.main_colour or ""
    return colour if HEX_COLOUR_RE.match(colour) else DEFAULT_COLOUR


def manifest_data(commune) -> dict:
    name = _("Town hall of %(name)s") % {"name": commune.name} if commune else "ecommune"
    return {
        "name": name,
        "short_name": commune.name if commune else "ecommune",
        "description": (
            _("Official website of the commune of %(name)s") % {"name": commune.name}
            if commune
            else name
        ),
        "lang": "fr",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": theme_colour(commune),
        "icons": [
            {
                "src": reverse("ecommune_webapp_icon", args=[size]),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable" if commune and not commune.coat_of_arms_id else "any",
            }
            for size in ICON_SIZES
        ],
    }


def web_app_manifest(request):
    """The current commune's manifest (``/manifest.webmanifest``)."""
    commune = getattr(request, "commune", None)
    response = HttpResponse(
        json.dumps(manifest_data(commune), ensure_ascii=False, indent=2),
        content_type="application/manifest+json; charset=utf-8",
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response


def draw_icon(commune, size: int) -> bytes:
    """A square PNG: the coat of arms on white when the commune has one, else the favicon's
    town hall in white on the commune's colour (inside the maskable safe zone)."""
    from PIL import Image, ImageDraw

    arms = getattr(commune, "coat_of_arms", None) if commune else None
    if arms is not None:
        image = Image.new("RGB", (size, size), "#ffffff")
        with arms.open_file() as handle:
            picture = Image.open(handle)
            picture.load()
        picture = picture.convert("RGBA")
        picture.thumbnail((int(size * 0.8), int(size * 0.8)))
        offset = ((size - picture.width) // 2, (size - picture.height) // 2)
        image.paste(picture, offset, picture)
    else:
        image = Image.new("RGB", (size, size), theme_colour(commune))
        # A maskable icon keeps its drawing in the centred circle of 80 % of the side: the
        # 20-unit drawing fills 55 % of it, centred (its 19-unit height half a unit lower).
        scale, margin = size * 0.55 / 20, size * 0.225
        points = [(margin + (x - 6) * scale, margin + (y - 6.5) * scale) for x, y in TOWN_HALL]
        ImageDraw.Draw(image).polygon(points, fill="#ffffff")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def web_app_icon(request, size: int):
    if size not in ICON_SIZES:
        raise Http404
    response = HttpResponse(
        draw_icon(getattr(request, "commune", None), size), content_type="image/png"
    )
    patch_cache_control(response, public=True, max_age=86400)
    return response


def open_graph(context) -> dict:
    """The Open Graph properties of the page (or service-public.fr fiche) being rendered; the
    description falls back on its summary, then on the commune's official-site sentence."""
    request = context.get("request")
    commune = context.get("commune")
    page = context.get("page")
    site_name = commune.name if commune else "ecommune"
    title = ""
    description = ""
    if page is not None and hasattr(page, "title"):
        title = getattr(page, "seo_title", "") or page.title
        description = (
            getattr(page, "search_description", "")
            or getattr(page, "summary", "")
            or getattr(page, "intro", "")
        )
    fiche = context.get("fiche")
    if not title and fiche is not None:
        title, description = fiche.title, fiche.description
    title = title or site_name
    if not description and commune:
        description = _("Official website of the commune of %(name)s") % {"name": commune.name}
    kind = "article" if page is not None and page.__class__.__name__ == "NewsPage" else "website"
    image = None
    if request is not None:
        if commune and commune.coat_of_arms_id:
            rendition = commune.coat_of_arms.get_rendition("max-600x600")
            image = request.build_absolute_uri(rendition.url)
        else:
            image = request.build_absolute_uri(reverse("ecommune_webapp_icon", args=[512]))
    return {
        "title": title,
        "description": " ".join(str(description).split())[:300],
        "type": kind,
        "url": request.build_absolute_uri() if request is not None else "",
        "site_name": site_name,
        "image": image,
    }
