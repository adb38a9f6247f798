"""Back office: the commune's webhook endpoints (« Webhooks », in the settings menu).

The commune's agents administrator (the right that opens « Agents » and « Jetons d'API »:
``INVITERS``) lists the endpoints with their state and last delivery, adds one — its
secret is shown on the next page, once — changes its events or turns it off, deletes it,
and reads an endpoint's deliveries with their last answers, sending a failed one again.
The rows are the commune's the back office serves the user: another commune's is a 404."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts.agents_admin import INVITERS
from ecommune.accounts.backoffice import BackOfficeMixin, BackOfficeViewSet
from ecommune.core.tenancy import get_current_commune
from ecommune.webhooks import services
from ecommune.webhooks.models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint

DELIVERIES_SHOWN = 100


class EndpointForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The program that receives the events, e.g. « GED »."),
    )
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        validators=[services.validate_url],
        help_text=_("Where the events are sent (POST), an http or https address."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    services = forms.MultipleChoiceField(
        label=_("Procedures"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only the requests of these procedures. None ticked: every procedure."),
    )

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [
            (service.slug, service.title) for service in commune.services()
        ]


class EndpointChangeForm(EndpointForm):
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("When unticked, nothing is sent to it; the events wait."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["url"]  # another address is another endpoint, with its own secret


class _WebhooksPage(BackOfficeMixin, WagtailAdminTemplateMixin):
    header_icon = "link"
    url_namespace = None
    # No breadcrumbs: the header is then the page's title, as a heading.
    breadcrumbs_items = []

    def commune(self):
        return get_current_commune()

    def index_url(self):
        return reverse(f"{self.url_namespace}:index")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.commune()}


class _OneEndpoint(_WebhooksPage):
    def dispatch(self, request, *args, **kwargs):
        self.endpoint = get_object_or_404(WebhookEndpoint.objects.all(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "endpoint": self.endpoint,
            "index_url": self.index_url(),
        }


def _state(endpoint) -> str:
    if not endpoint.active:
        return gettext("Turned off")
    if endpoint.failing:
        return gettext("Failing")
    return gettext("Active")


class EndpointIndexView(_WebhooksPage, TemplateView):
    page_title = _("Webhooks")
    template_name = "ecommune_webhooks/admin/endpoints.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(Event.choices)
        titles = {service.slug: str(service.title) for service in self.commune().services()}
        rows = []
        for endpoint in WebhookEndpoint.objects.order_by("name", "pk"):
            last = endpoint.deliveries.order_by("-created_at", "-pk").first()
            rows.append(
                {
                    "endpoint": endpoint,
                    "state": _state(endpoint),
                    "events": [str(labels.get(event, event)) for event in endpoint.events],
                    "services": [titles.get(slug, slug) for slug in endpoint.services],
                    "last": last,
                    "url": reverse(f"{self.url_namespace}:deliveries", args=[endpoint.pk]),
                    "edit_url": reverse(f"{self.url_namespace}:edit", args=[endpoint.pk]),
                    "delete_url": reverse(f"{self.url_namespace}:delete", args=[endpoint.pk]),
                }
            )
        context.update(rows=rows, create_url=reverse(f"{self.url_namespace}:create"))
        return context


class EndpointCreateView(_WebhooksPage, FormView):
    page_title = _("New webhook endpoint")
    template_name = "ecommune_webhooks/admin/endpoint_create.html"
    form_class = EndpointForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "index_url": self.index_url()}

    def form_valid(self, form):
        endpoint = services.create_endpoint(
            self.request,
            commune=self.commune(),
            name=form.cleaned_data["name"],
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            services=form.cleaned_data["services"],
        )
        # Shown in this answer only: the secret is in no session, no message, no log.
        response = self.response_class(
            request=self.request,
            template=["ecommune_webhooks/admin/endpoint_created.html"],
            context={**self.get_context_data(form=form), "endpoint": endpoint},
            using=self.template_engine,
        )
        response["Cache-Control"] = "no-store"
        return response


class EndpointEditView(_OneEndpoint, FormView):
    page_title = _("Webhook endpoint")
    template_name = "ecommune_webhooks/admin/endpoint_edit.html"
    form_class = EndpointChangeForm

    def get_initial(self):
        return {
            "name": self.endpoint.name,
            "events": self.endpoint.events,
            "services": self.endpoint.services,
            "active": self.endpoint.active,
        }

    def form_valid(self, form):
        endpoint = self.endpoint
        endpoint.name = form.cleaned_data["name"].strip()
        endpoint.events = [e for e in Event.values if e in set(form.cleaned_data["events"])]
        endpoint.services = services.service_slugs(self.commune(), form.cleaned_data["services"])
        endpoint.active = form.cleaned_data["active"]
        endpoint.save(update_fields=["name", "events", "services", "active"])
        messages.success(self.request, gettext("The endpoint is saved."))
        return redirect(self.index_url())


class EndpointDeleteView(_OneEndpoint, TemplateView):
    page_title = _("Delete a webhook endpoint")
    template_name = "ecommune_webhooks/admin/endpoint_delete.html"

    def post(self, request, *args, **kwargs):
        services.delete_endpoint(request, self.endpoint)
        messages.success(
            request,
            gettext("The endpoint « %(name)s » is deleted: nothing more is sent to it.")
            % {"name": self.endpoint.name},
        )
        return redirect(self.index_url())


class DeliveriesView(_OneEndpoint, TemplateView):
    page_title = _("Webhook deliveries")
    template_name = "ecommune_webhooks/admin/deliveries.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        deliveries = WebhookDelivery.objects.filter(endpoint=self.endpoint).order_by(
            "-created_at", "-pk"
        )[:DELIVERIES_SHOWN]
        context.update(
            state=_state(self.endpoint),
            rows=[
                {
                    "delivery": delivery,
                    "last": delivery.last_answer,
                    "resend_url": reverse(
                        f"{self.url_namespace}:resend", args=[self.endpoint.pk, delivery.pk]
                    )
                    if delivery.status == DeliveryStatus.FAILED
                    else "",
                }
                for delivery in deliveries
            ],
        )
        return context


class ResendView(_OneEndpoint, View):
    page_title = _("Send a delivery again")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        delivery = get_object_or_404(
            WebhookDelivery.objects.filter(endpoint=self.endpoint), pk=kwargs["delivery"]
        )
        if services.resend(request, delivery):
            messages.success(request, gettext("The delivery will be sent again."))
        else:
            messages.warning(request, gettext("This delivery was already sent."))
        return redirect(reverse(f"{self.url_namespace}:deliveries", args=[self.endpoint.pk]))


class WebhookViewSet(BackOfficeViewSet):
    """« Webhooks » in the settings menu."""

    icon = "link"
    menu_label = _("Webhooks")
    add_to_settings_menu = True
    menu_order = 870
    access = INVITERS
    url_prefix = "webhooks"

    pages = (
        ("", EndpointIndexView, "index"),
        ("nouveau/", EndpointCreateView, "create"),
        ("<int:pk>/", DeliveriesView, "deliveries"),
        ("<int:pk>/modifier/", EndpointEditView, "edit"),
        ("<int:pk>/supprimer/", EndpointDeleteView, "delete"),
        ("<int:pk>/envois/<int:delivery>/renvoyer/", ResendView, "resend"),
    )


webhook_viewset = WebhookViewSet("ecommune_webhooks")
