"""Template context: the current commune and its theme for every page."""

from ecommune.core.themes import current_theme


def commune(request):
    return {"commune": getattr(request, "commune", None), "ecommune_theme": current_theme()}
