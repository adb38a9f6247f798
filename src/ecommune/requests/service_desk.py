"""A service's own back-office screens (its list, its request page with its actions), built on
one ``ServiceDesk``: who may handle the service's requests and which of them they see.

Only agents of the commune who handle the service, and superusers, get in; an agent sees
their commune's requests, a superuser every commune's. The request page loads the request
with the service's typed row (``related``) and answers 404 for a request without it; its
actions are the service's ``desk_actions`` (``ecommune.requests.desk_actions``) unless its
form declares its own.
"""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts.backoffice import BackOfficeMixin, agents_of
from ecommune.requests import desk_actions
from ecommune.requests.models import Request


class ServiceDesk:
    """The agents of one service and its requests; ``related`` is joined on every list."""

    def __init__(self, slug: str, related: tuple[str, ...] = ()):
        self.slug = slug
        self.related = related
        self.typed = related[0] if related else ""
        self.access = agents_of(slug)

    def can_handle(self, user) -> bool:
        return self.access.allows(user)

    def requests_of(self, user):
        """The service's requests the user may handle, their typed row joined so a list
        costs one query."""
        requests = (
            Request.objects
            if user.is_superuser
            else Request.objects.for_commune(user.agent.commune_id)
        )
        return requests.filter(service=self.slug).select_related(*self.related, "commune")

    def get_request(self, user, reference: str) -> Request:
        filed = self.requests_of(user).filter(reference=reference).first()
        if filed is None or (self.typed and not hasattr(filed, self.typed)):
            raise Http404
        return filed


def inbox_url(reference: str) -> str:
    """The request's page in the common inbox, when the inbox is installed."""
    try:
        return reverse("ecommune_inbox_detail", args=[reference])
    except NoReverseMatch:
        return ""


def pdf_response(template: str, context: dict, filename: str) -> HttpResponse:
    """A template printed by WeasyPrint, shown in the browser."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class DeskActionForm(forms.Form):
    """An agent's action on one request: ``actions`` as (value, label), and the reason sent
    to the applicant, required for the ``needs_reason`` actions. Given ``offered`` (the
    service's ``DeskAction``s offered now), the choices are theirs, with the fields of their
    own ``form``s, checked for the action chosen."""

    actions: list[tuple[str, str]] = []
    needs_reason: frozenset[str] = frozenset()
    reason_label = _("Reason sent to the applicant")

    action = forms.ChoiceField(label=_("Action"), widget=forms.RadioSelect)
    reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    def __init__(self, *args, offered=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action_forms = {}
        if offered is not None:
            self.actions = [(action.name, action.label) for action in offered]
            reasoned = [action for action in offered if action.needs_reason]
            self.needs_reason = frozenset(action.name for action in reasoned)
            if reasoned:
                self.reason_label = reasoned[0].reason_label
            for action in offered:
                if action.form_class() is not None:
                    own = action.form_class()(self.data or None, self.files or None)
                    self.action_forms[action.name] = own
                    for name, field in own.fields.items():
                        self.fields.setdefault(name, copy.deepcopy(field)).required = False
        self.fields["action"].choices = self.actions
        self.fields["reason"].label = self.reason_label

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") in self.needs_reason and not cleaned.get("reason"):
            self.add_error("reason", _("Give the reason: it is sent to the applicant."))
        own = self.action_forms.get(cleaned.get("action"))
        if own is not None:
            if own.is_valid():
                cleaned.update(own.cleaned_data)
            for name, errors in own.errors.items():
                for error in errors:
                    self.add_error(name if name in self.fields else None, error)
        return cleaned


class DeskOnlyMixin(BackOfficeMixin):
    """Refuse anyone who does not handle the view's ``desk``."""

    desk: ServiceDesk

    @property
    def access(self):
        return self.desk.access


class DeskListView(DeskOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """A service's list screen; subclasses give the rows."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]


class DeskRequestView(DeskOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """One request of the service with its actions: ``perform`` runs the chosen one, then
    the agent is sent back to the page with a confirmation."""

    #: « … %(reference)s »: the page's title.
    title_format = ""
    #: The service's list: its URL name and its label in the breadcrumbs.
    list_url_name = ""
    list_label = ""
    #: This view's URL name, to come back to after an action.
    url_name = ""
    #: Statuses in which the actions are offered.
    open_statuses: tuple[str, ...] = ()
    #: The actions' form: by default the service's desk actions offered now.
    form_class = DeskActionForm

    def dispatch(self, request, *args, **kwargs):
        self.filed = self.desk.get_request(request.user, kwargs["reference"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.title_format) % {"reference": self.filed.reference}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.list_url_name), "label": self.list_label},
            {"url": "", "label": self.filed.reference},
        ]

    def get_context_data(self, **kwargs):
        """The request, its answers as the service shows them, its inbox page."""
        context = super().get_context_data(**kwargs)
        service = self.filed.service_class()
        context.update(
            filed=self.filed,
            rows=service.summary_rows(service.stored_data(self.filed)),
            inbox_url=inbox_url(self.filed.reference),
            is_open=self.filed.status in self.open_statuses,
        )
        return context

    def get_form_kwargs(self):
        """A form declaring no ``actions`` of its own offers the service's desk actions."""
        kwargs = super().get_form_kwargs()
        if not self.get_form_class().actions:
            kwargs["offered"] = desk_actions.offered(self.filed.service_class(), self.filed.status)
        return kwargs

    def perform(self, action: str, cleaned: dict, user) -> None:
        """Run the service's desk action ``action`` (a view with its own form overrides
        this)."""
        service = self.filed.service_class()
        desk_actions.run(
            desk_actions.named(service, action),
            self.filed,
            cleaned,
            actor=user,
            http_request=self.request,
        )

    def form_valid(self, form):
        try:
            self.perform(form.cleaned_data["action"], form.cleaned_data, self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Done: the applicant is told by email."))
        return redirect(self.url_name, reference=self.filed.reference)
