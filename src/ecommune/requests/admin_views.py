"""The agents' inbox in Wagtail's admin: the list, the export, a request's page and its
actions, the documents' download.

Only agents (and superusers) enter; a request outside the agent's commune or services
is a 404, whatever its reference. Actions go through ``ecommune.requests.agents``, which
writes the history and the audit trail.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from ecommune.accounts.backoffice import AGENTS, BackOfficeMixin, back_office, check
from ecommune.core.registry import registry
from ecommune.requests import agent_forms, agents, desk_actions, documents
from ecommune.requests.inbox import csv_response, inbox_queryset
from ecommune.requests.intake import intake_services
from ecommune.requests.models import Channel, Document, EventKind, Request
from ecommune.requests.services import agent_status_label, waiting_status

PER_PAGE = 50


def get_filed(request, reference: str) -> Request:
    """The request if this agent may handle it, else 404 (another commune, another service)."""
    check(request, AGENTS)
    filed = (
        agents.requests_for(request.user)
        .select_related("commune", "commune__site", "assigned_to", "applicant")
        .filter(reference=reference)
        .first()
    )
    if filed is None or filed.service not in registry:
        raise Http404
    return filed


class InboxMixin(BackOfficeMixin, WagtailAdminTemplateMixin):
    header_icon = "tasks"
    access = AGENTS


class InboxIndexView(InboxMixin, TemplateView):
    template_name = "ecommune_requests/admin/inbox.html"
    page_title = gettext_lazy("Requests")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_header_buttons(self):
        """« New request (counter, phone, post) » for an agent who may file one."""
        buttons = super().get_header_buttons()
        if intake_services(self.request.user):
            buttons.append(
                HeaderButton(
                    _("New request (counter, phone, post)"),
                    url=reverse("ecommune_intake"),
                    icon_name="plus",
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, queryset = inbox_queryset(self.request.user, self.request.GET)
        page = Paginator(queryset, PER_PAGE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        rows = []
        for filed in page.object_list:
            service = registry.get(filed.service) if filed.service in registry else None
            rows.append(
                {
                    "filed": filed,
                    "service_title": service.title if service else filed.service,
                    "status": agent_status_label(service, filed.status),
                    "overdue": filed.expected_answer_on is not None
                    and filed.expected_answer_on < today
                    and not filed.is_closed,
                }
            )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            page_obj=page,
            rows=rows,
            query=query.urlencode(),
            show_commune=self.request.user.is_superuser,
            export_url=reverse("ecommune_inbox_export")
            + (f"?{query.urlencode()}" if query else ""),
        )
        return context


@back_office(AGENTS)
def inbox_export(request):
    _form, queryset = inbox_queryset(request.user, request.GET)
    agents.audit(request, "requests.exported", None, request.GET.urlencode())
    return csv_response(queryset, f"demandes-{timezone.localdate():%Y-%m-%d}.csv")


ACTIONS = {
    "assign": agent_forms.AssignForm,
    "status": agent_forms.StatusForm,
    "message": agent_forms.MessageForm,
    "missing": agent_forms.MissingPieceForm,
    "contact": agent_forms.ContactForm,
    "note": agent_forms.NoteForm,
}
_FILED_FORMS = {"assign", "status", "message"}


class RequestDetailView(InboxMixin, TemplateView):
    template_name = "ecommune_requests/admin/request.html"
    page_title = gettext_lazy("Request")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.filed = None

    def get_page_subtitle(self):
        return self.filed.reference

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_inbox"), "label": _("Requests")},
            {"url": "", "label": self.filed.reference},
        ]

    def _form(self, name, data=None):
        form_class = ACTIONS[name]
        kwargs = {"prefix": name}
        if name in _FILED_FORMS:
            kwargs["filed"] = self.filed
        return form_class(data, **kwargs)

    def get(self, request, *args, **kwargs):
        self.filed = get_filed(request, kwargs["reference"])
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.filed = get_filed(request, kwargs["reference"])
        action = request.POST.get("action", "")
        if action == "assign_me":
            return self._run(lambda: agents.assign(request, self.filed, request.user), None)
        if action.startswith(desk_actions.PREFIX):
            return self._desk_action(action)
        if action not in ACTIONS:
            raise Http404
        form = self._form(action, request.POST)
        if action == "message" and "use_reply" in request.POST and form.is_valid():
            return self._prefill_message(form)
        if form.is_valid():
            data = form.cleaned_data
            run = {
                "assign": lambda: agents.assign(request, self.filed, data["assignee"]),
                "status": lambda: agents.set_status(
                    request, self.filed, data["status"], data["comment"]
                ),
                "message": lambda: agents.send_message(request, self.filed, self._message(data)),
                "missing": lambda: agents.ask_missing_piece(request, self.filed, data["missing"]),
                "contact": lambda: agents.record_contact(
                    request, self.filed, data["channel"], data["text"]
                ),
                "note": lambda: agents.add_note(request, self.filed, data["text"]),
            }[action]
            return self._run(run, form, action)
        return self._invalid(action, form)

    def _desk_action(self, posted):
        """One of the service's own actions (``Service.desk_actions``)."""
        action = desk_actions.find(self.filed, posted)
        if action is None:
            raise Http404
        form = desk_actions.form_for(action, self.filed, self.request.POST, self.request.FILES)
        if not form.is_valid():
            return self._invalid_desk(posted, form)
        try:
            desk_actions.run(
                action,
                self.filed,
                form.cleaned_data,
                actor=self.request.user,
                http_request=self.request,
            )
        except ValidationError as error:
            desk_actions.show_error(form, error)
            return self._invalid_desk(posted, form)
        messages.success(self.request, _("Done: the request's history is updated."))
        return redirect("ecommune_inbox_detail", reference=self.filed.reference)

    def _invalid_desk(self, posted, form):
        context = self.get_context_data(desk_form=(posted, form))
        context["open_action"] = posted
        return self.render_to_response(context, status=400)

    def _message(self, data):
        if data["text"].strip():
            return data["text"]
        if data["canned_reply"] is not None:
            return agents.render_canned_reply(data["canned_reply"], self.filed, self.request.user)
        return ""

    def _prefill_message(self, form):
        """« Use this reply » without JavaScript: the form comes back with the text filled."""
        reply = form.cleaned_data["canned_reply"]
        data = self.request.POST.copy()
        if reply is not None:
            data["message-text"] = agents.render_canned_reply(reply, self.filed, self.request.user)
        return self._invalid("message", self._form("message", data), status=200)

    def _run(self, run, form, action=""):
        try:
            run()
        except ValidationError as error:
            if form is None:
                messages.error(self.request, " ".join(error.messages))
                return redirect("ecommune_inbox_detail", reference=self.filed.reference)
            field = {"message": "text", "missing": "missing", "status": "comment"}.get(action)
            form.add_error(field if field in form.fields else None, error)
            return self._invalid(action, form)
        messages.success(self.request, _("Done: the request's history is updated."))
        return redirect("ecommune_inbox_detail", reference=self.filed.reference)

    def _invalid(self, action, form, status=400):
        context = self.get_context_data(**{f"{action}_form": form})
        context["open_action"] = action
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs):
        filed = self.filed
        service = filed.service_class()
        forms = {f"{name}_form": kwargs.pop(f"{name}_form", None) for name in ACTIONS}
        for key, form in forms.items():
            if form is None:
                forms[key] = self._form(key.removesuffix("_form"))
        posted, posted_form = kwargs.pop("desk_form", (None, None))
        service_actions = []
        for action in desk_actions.offered(filed):
            value = desk_actions.PREFIX + action.name
            form = posted_form if value == posted else desk_actions.form_for(action, filed)
            service_actions.append({"value": value, "action": action, "form": form})
        context = super().get_context_data(**kwargs)
        events = list(filed.events.select_related("actor").order_by("created_at", "pk"))
        submitted = next((e for e in events if e.kind == EventKind.SUBMITTED), None)
        for event in events:
            event.from_label = (
                agent_status_label(service, event.from_status) if event.from_status else ""
            )
            event.to_label = agent_status_label(service, event.to_status) if event.to_status else ""
        context.update(
            filed=filed,
            service=service,
            status_display=agent_status_label(service, filed.status),
            channel_display=dict(Channel.choices).get(filed.channel, filed.channel),
            service_rows=service.summary_rows(service.stored_data(filed)),
            events=events,
            documents=filed.documents.all(),
            has_waiting=waiting_status(service) is not None
            and waiting_status(service) != filed.status
            and not filed.is_closed,
            overdue=filed.expected_answer_on is not None
            and filed.expected_answer_on < timezone.localdate()
            and not filed.is_closed,
            assigned_to_me=filed.assigned_to_id == self.request.user.pk,
            filed_by=submitted.actor
            if submitted is not None and submitted.actor_id and filed.channel != Channel.WEB
            else None,
            service_actions=service_actions,
            **forms,
        )
        return context


@back_office(AGENTS)
def document_download(request, reference, pk):
    filed = get_filed(request, reference)
    document = Document.objects.filter(pk=pk, requests=filed).first()
    if document is None:
        raise Http404
    agents.record_download(request, filed, document)
    return documents.serve_document(document, as_attachment=True)
