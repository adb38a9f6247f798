"""The other 26 member states of the European Union, whose citizens living in France may
vote in municipal and European elections (TFUE art. 22)."""

from django.utils.translation import gettext_lazy as _

EU_COUNTRIES = [
    ("DE", _("Germany")),
    ("AT", _("Austria")),
    ("BE", _("Belgium")),
    ("BG", _("Bulgaria")),
    ("CY", _("Cyprus")),
    ("HR", _("Croatia")),
    ("DK", _("Denmark")),
    ("ES", _("Spain")),
    ("EE", _("Estonia")),
    ("FI", _("Finland")),
    ("GR", _("Greece")),
    ("HU", _("Hungary")),
    ("IE", _("Ireland")),
    ("IT", _("Italy")),
    ("LV", _("Latvia")),
    ("LT", _("Lithuania")),
    ("LU", _("Luxembourg")),
    ("MT", _("Malta")),
    ("NL", _("Netherlands")),
    ("PL", _("Poland")),
    ("PT", _("Portugal")),
    ("CZ", _("Czechia")),
    ("RO", _("Romania")),
    ("SK", _("Slovakia")),
    ("SI", _("Slovenia")),
    ("SE", _("Sweden")),
]
