"""The widgets a commune offers to other sites: their slug (the ``data-widget`` of
``embed.js`` and the path under /widgets/), what they need, their title and their height."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Widget:
    slug: str
    url_name: str
    title: str
    #: The ``data-…`` attribute of ``embed.js`` that names what the widget shows, if any.
    param: str = ""
    height: int = 240

    def path(self, value: str = "") -> str:
        """The widget's path on the commune's site (``value``: the motive or the fiche)."""
        args = [value] if self.param else []
        return reverse(f"ecommune_widgets:{self.url_name}", args=args)

    def frame_title(self, commune) -> str:
        """The ``title`` of the ``<iframe>`` that shows it (RGAA 2.1)."""
        return gettext("%(title)s — %(commune)s") % {"title": self.title, "commune": commune.name}


WIDGETS = [
    Widget("prochain-creneau", "next_slot", _("Next free appointment"), "motif", 230),
    Widget("attente", "waiting", _("Waiting time at the counters"), "", 260),
    Widget("actualites", "news", _("Latest news"), "", 420),
    Widget("fiche", "fiche", _("Your rights"), "fiche", 320),
]
BY_SLUG = {widget.slug: widget for widget in WIDGETS}
#: The pattern ``embed.js`` checks the motive's slug or the fiche's identifier against.
PARAM_PATTERN = r"^[A-Za-z0-9_-]{1,60}$"
#: How many news items the news widget shows.
NEWS_ITEMS = 4
