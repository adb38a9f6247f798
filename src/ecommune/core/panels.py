"""An ``InlinePanel`` that starts without inline JavaScript (the kit's Content Security
Policy allows none): its options go in a data attribute that a static file reads."""

from django import forms
from wagtail.admin.panels import InlinePanel


class CspInlinePanel(InlinePanel):
    class BoundPanel(InlinePanel.BoundPanel):
        template_name = "ecommune_core/admin/inline_panel.html"

        def js_opts(self):
            return {**super().js_opts(), "type": "InlinePanel"}

        @property
        def media(self):
            return super().media + forms.Media(js=["ecommune_core/admin/inline_panel.js"])
