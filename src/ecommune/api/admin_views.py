"""Back office: the commune's agents' API tokens (« Jetons d'API », in the settings menu).

The commune's agents administrator (the right that opens « Agents »: ``INVITERS``) lists
the tokens, makes one — its key is shown on the next page, once, and never again — and
revokes one. A token is given only services the administrator handles and the commune
offers. The rows are the commune's the back office serves the user: another commune's
token is a 404."""

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts.agents_admin import INVITERS
from ecommune.accounts.backoffice import BackOfficeMixin, BackOfficeViewSet
from ecommune.api import tokens
from ecommune.api.models import ApiToken
from ecommune.core.dates import DateField
from ecommune.core.registry import registry
from ecommune.core.tenancy import get_current_commune


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The program that will use it, e.g. « Logiciel courrier »."),
    )
    services = forms.MultipleChoiceField(
        label=_("Services"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The token sees and handles the requests of these procedures only."),
        error_messages={"required": _("Choose at least one service.")},
    )
    expires_on = DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Included. Empty: until it is revoked."),
    )

    def __init__(self, *args, commune, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [
            (service.slug, service.title) for service in tokens.services_for(user, commune)
        ]

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        )


class _TokensPage(BackOfficeMixin, WagtailAdminTemplateMixin):
    header_icon = "key"
    url_namespace = None
    # No breadcrumbs: the header is then the page's title, as a heading (Wagtail shows a
    # lone « Accueil » otherwise).
    breadcrumbs_items = []

    def commune(self):
        return get_current_commune()

    def index_url(self):
        return reverse(f"{self.url_namespace}:index")


class TokenIndexView(_TokensPage, TemplateView):
    page_title = _("API tokens")
    template_name = "ecommune_api/admin/tokens.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        rows = []
        for token in ApiToken.objects.select_related("created_by").order_by("-created_at", "-pk"):
            if token.revoked_at is not None:
                state = gettext("Revoked")
            elif not token.is_active(now):
                state = gettext("Expired")
            else:
                state = gettext("Active")
            rows.append(
                {
                    "token": token,
                    "state": state,
                    "services": [
                        str(registry.get(slug).title) if slug in registry else slug
                        for slug in token.services
                    ],
                    "revoke_url": reverse(f"{self.url_namespace}:revoke", args=[token.pk])
                    if token.revoked_at is None
                    else "",
                }
            )
        context.update(rows=rows, create_url=reverse(f"{self.url_namespace}:create"))
        return context


class TokenCreateView(_TokensPage, FormView):
    page_title = _("New API token")
    template_name = "ecommune_api/admin/token_create.html"
    form_class = ApiTokenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.commune(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "index_url": self.index_url()}

    def form_valid(self, form):
        token, key = tokens.create_token(
            self.request,
            commune=self.commune(),
            name=form.cleaned_data["name"],
            services=form.cleaned_data["services"],
            expires_at=form.expires_at(),
        )
        # Shown in this answer only: the key is in no session, no message, no log.
        response = self.response_class(
            request=self.request,
            template=["ecommune_api/admin/token_created.html"],
            context={
                **self.get_context_data(form=form),
                "token": token,
                "key": key,
                "api_url": self.commune().public_url("/api/v1/agent/requests/"),
            },
            using=self.template_engine,
        )
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(_TokensPage, TemplateView):
    page_title = _("Revoke an API token")
    template_name = "ecommune_api/admin/token_revoke.html"

    def dispatch(self, request, *args, **kwargs):
        live = ApiToken.objects.filter(revoked_at__isnull=True)
        self.token = get_object_or_404(live, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "token": self.token,
            "index_url": self.index_url(),
        }

    def post(self, request, *args, **kwargs):
        tokens.revoke_token(request, self.token)
        messages.success(
            request,
            gettext("The token « %(name)s » is revoked: it no longer works.")
            % {"name": self.token.name},
        )
        return redirect(self.index_url())


class ApiTokenViewSet(BackOfficeViewSet):
    """« Jetons d'API » in the settings menu: the list, a new token, revoking one."""

    icon = "key"
    menu_label = _("API tokens")
    add_to_settings_menu = True
    menu_order = 860
    access = INVITERS
    url_prefix = "jetons-api"

    pages = (
        ("", TokenIndexView, "index"),
        ("nouveau/", TokenCreateView, "create"),
        ("<int:pk>/revoquer/", TokenRevokeView, "revoke"),
    )


api_token_viewset = ApiTokenViewSet("ecommune_api_tokens")
