"""Back office: « Widgets » (settings menu). Each widget of the commune, live in a frame,
with the two snippets to copy (the ``<iframe>`` and the ``embed.js`` script), and the sites
allowed to show them (``Commune.widget_origins``), edited here.

The commune's agents administrator (``INVITERS``, as « Agents » and « Jetons d'API ») sees
and edits it; the commune is the one the back office serves the user."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts.agents_admin import INVITERS
from ecommune.accounts.backoffice import BackOfficeMixin, BackOfficeViewSet
from ecommune.api import data
from ecommune.core.models import Commune
from ecommune.core.tenancy import get_current_commune
from ecommune.core.validators import split_origins
from ecommune.widgets.catalogue import WIDGETS
from ecommune.widgets.framing import admin_origin


class OriginsForm(forms.ModelForm):
    class Meta:
        model = Commune
        fields = ["widget_origins"]
        widgets = {"widget_origins": forms.Textarea(attrs={"rows": 4})}


class PreviewForm(forms.Form):
    """Which motive and which fiche the page shows (the first ones when none is chosen)."""

    motif = forms.ChoiceField(label=_("Motive"), required=False)
    fiche = forms.ChoiceField(label=_("Fiche"), required=False)

    def __init__(self, *args, motives=(), fiches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["motif"].choices = list(motives)
        self.fields["fiche"].choices = list(fiches)

    def chosen(self, name) -> str:
        choices = self.fields[name].choices
        if self.is_valid() and self.cleaned_data.get(name):
            return self.cleaned_data[name]
        return choices[0][0] if choices else ""


def _snippets(commune, widget, value, title):
    url = commune.public_url(widget.path(value) if widget.param else widget.path())
    embed = commune.public_url(reverse("ecommune_widgets:embed"))
    iframe = (
        f'<iframe src="{escape(url)}" title="{escape(title)}" width="100%" '
        f'height="{widget.height}"></iframe>'
    )
    extra = f' data-{widget.param}="{escape(value)}"' if widget.param else ""
    script = f'<script src="{escape(embed)}" data-widget="{widget.slug}"{extra} async></script>'
    return url, iframe, script


class WidgetsView(BackOfficeMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Widgets for other sites")
    header_icon = "code"
    template_name = "ecommune_widgets/admin/widgets.html"
    url_namespace = None
    breadcrumbs_items = []

    def commune(self):
        return get_current_commune()

    def _preview_src(self, commune, path):
        """The commune's own address when the back office is served on another host name."""
        host = self.request.get_host().rsplit(":", 1)[0].lower()
        return path if host == commune.site.hostname.lower() else commune.public_url(path)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        commune = self.commune()
        motives = [(m["slug"], m["name"]) for m in data.motives_data(commune)]
        fiches = [(f["id"], f"{f['id']} — {f['title']}") for f in data.fiches_data(commune)]
        choice = PreviewForm(self.request.GET or None, motives=motives, fiches=fiches)
        values = {"motif": choice.chosen("motif"), "fiche": choice.chosen("fiche")}
        rows = []
        for widget in WIDGETS:
            value = values.get(widget.param, "")
            title = widget.frame_title(commune)
            if widget.param and not value:
                rows.append({"widget": widget, "title": title, "missing": True})
                continue
            url, iframe, script = _snippets(commune, widget, value, title)
            path = widget.path(value) if widget.param else widget.path()
            rows.append(
                {
                    "widget": widget,
                    "title": title,
                    "preview": self._preview_src(commune, path),
                    "url": url,
                    "iframe": iframe,
                    "script": script,
                }
            )
        context.update(
            commune=commune,
            rows=rows,
            choice=choice,
            form=form or OriginsForm(instance=commune),
            admin_origin=admin_origin(),
        )
        return context

    def post(self, request, *args, **kwargs):
        commune = self.commune()
        form = OriginsForm(request.POST, instance=commune)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        commune.widget_origins = "\n".join(split_origins(form.cleaned_data["widget_origins"]))
        commune.save(update_fields=["widget_origins"])
        messages.success(request, gettext("The sites allowed to show the widgets are saved."))
        return redirect(reverse(f"{self.url_namespace}:index"))

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        commune = context["commune"]
        # The previews come from the commune's own site, which may be another host name.
        update = dict(getattr(response, "_csp_update", None) or {})
        update["frame-src"] = ["'self'", commune.public_url("").rstrip("/")]
        response._csp_update = update
        return response


class WidgetsViewSet(BackOfficeViewSet):
    """« Widgets » in the settings menu."""

    icon = "code"
    menu_label = _("Widgets")
    add_to_settings_menu = True
    menu_order = 870
    access = INVITERS
    url_prefix = "widgets"

    pages = (("", WidgetsView, "index"),)


widgets_viewset = WidgetsViewSet("ecommune_widgets_admin")
