"""Agents' intake: an agent files a request for a resident met at the counter, on the phone or
by post, through the same steps as the online form, in the back office.

The wizard is the residents' one (``views.ServiceWizard``: formtools, one step per screen,
no JavaScript, filed exactly once) with the engine's steps made for an agent (the channel,
an optional email; a note for colleagues at the end) and nothing prefilled from the agent's
own account or document space. Filing goes through ``filing.file_request`` with the channel
and the agent as ``actor``: the resident gets the acknowledgment if they gave an email (or
an SMS if they agreed), the history shows the channel to the resident and the agent's
name to agents only. Only the service's agents may file, for a service their commune offers.
"""

import uuid

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts.audit import audit
from ecommune.accounts.backoffice import AGENTS, BackOfficeMixin, agents_of, back_office, check
from ecommune.core.registry import registry
from ecommune.core.tenancy import get_current_commune
from ecommune.requests.document_steps import ReusableDocumentsMixin
from ecommune.requests.filing import file_request
from ecommune.requests.inbox import services_of
from ecommune.requests.intake_forms import IntakeApplicantForm, IntakeConfirmForm
from ecommune.requests.models import Channel
from ecommune.requests.views import (
    APPLICANT_STEP,
    CONFIRM_STEP,
    SUBMISSION_KEY,
    ServiceWizard,
    applicant_of,
    beneficiary_of,
    documents_of,
)


def intake_services(user) -> list:
    """The services ``user`` may file for a resident: theirs that the commune offers."""
    commune = get_current_commune()
    if commune is None:
        return []
    return [service for service in services_of(user) if commune.has_service(service.slug)]


def start_url(service) -> str:
    return reverse("ecommune_intake_start", kwargs={"slug": service.slug})


class IntakeChoiceView(BackOfficeMixin, WagtailAdminTemplateMixin, TemplateView):
    """« Nouvelle demande »: the agent picks the procedure."""

    access = AGENTS
    template_name = "ecommune_requests/admin/intake_choice.html"
    header_icon = "plus"
    page_title = gettext_lazy("New request (counter, phone, post)")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_inbox"), "label": _("Requests")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["services"] = [
            (service, start_url(service)) for service in intake_services(self.request.user)
        ]
        return context


class IntakeWizard(BackOfficeMixin, WagtailAdminTemplateMixin, ServiceWizard):
    """The service's steps, filed by an agent for a resident."""

    access = AGENTS
    keeps_drafts = False
    template_name = "ecommune_requests/admin/intake_wizard.html"
    header_icon = "plus"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        check(request, agents_of(self.service.slug))
        if not get_current_commune().has_service(self.service.slug):
            raise Http404

    def get_prefix(self, request, *args, **kwargs):
        return f"ecommune_intake_{self.service.slug}"

    def get_step_url(self, step):
        return reverse("ecommune_intake_step", kwargs={"slug": self.service.slug, "step": step})

    def get(self, *args, **kwargs):
        step = kwargs.get("step")
        if step is None:
            # Every intake starts afresh: nothing of the last resident's answers is kept.
            self.storage.reset()
            self.storage.current_step = self.steps.first
            return redirect(self.get_step_url(self.steps.first))
        if step != self.done_step_name and step not in self.form_list:
            raise Http404
        return super().get(*args, **kwargs)

    def get_form_initial(self, step):
        # Not the agent's own name and email (the residents' wizard prefills the user's).
        return self.initial_dict.get(step, {})

    def get_form_kwargs(self, step=None):
        """No FranceConnect identity nor document space: the agent's own are not the
        resident's. The service's own kwargs still apply (``Service.step_form_kwargs``,
        with the agent's HTTP request)."""
        step = step or self.steps.current
        kwargs = {}
        form_class = self.get_form_list().get(step)
        if form_class is not None and issubclass(form_class, ReusableDocumentsMixin):
            kwargs["owner"] = None
        kwargs.update(self.earlier_answers(step))
        kwargs.update(self.service.step_form_kwargs(step, self.request))
        return kwargs

    def get_page_title(self):
        return _("New request: %(service)s") % {"service": self.service.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_inbox"), "label": _("Requests")},
            {"url": reverse("ecommune_intake"), "label": _("New request")},
            {"url": "", "label": str(self.service.title)},
        ]

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        titles = {
            APPLICANT_STEP: _("The resident and the channel"),
            CONFIRM_STEP: _("Check and file"),
        }
        current = self.steps.current
        context.update(
            step_title=titles.get(current) or self.service.step_title(current),
            cancel_url=reverse("ecommune_inbox"),
        )
        return context

    def summary(self):
        answers = self.get_cleaned_data_for_step(APPLICANT_STEP) or {}
        channel = dict(Channel.choices).get(answers.get("channel"), "")
        return [(_("Channel"), channel), *super().summary()]

    def done(self, form_list, form_dict, **kwargs):
        data = {step: form.cleaned_data for step, form in form_dict.items()}
        answers = data[APPLICANT_STEP]
        key = self.storage.extra_data.setdefault(SUBMISSION_KEY, str(uuid.uuid4()))
        with transaction.atomic():
            self.filed, created = file_request(
                commune=get_current_commune(),
                service=self.service,
                applicant=applicant_of(answers),
                beneficiary=beneficiary_of(answers),
                data=data,
                documents=documents_of(form_dict.values()),
                channel=answers["channel"],
                actor=self.request.user,
                submission_key=uuid.UUID(key),
                note=(data.get(CONFIRM_STEP) or {}).get("note", "").strip(),
            )
            if created:
                audit(
                    self.request,
                    "requests.filed_for_resident",
                    self.filed,
                    f"{self.service.title} ({Channel(answers['channel']).label})",
                    commune=self.filed.commune,
                )

    def filed_response(self):
        if self.filed.applicant_email:
            text = _("Request %(reference)s filed: the resident gets the acknowledgment by email.")
        else:
            text = _("Request %(reference)s filed: give the resident its reference.")
        messages.success(self.request, text % {"reference": self.filed.reference})
        return redirect("ecommune_inbox_detail", reference=self.filed.reference)


def _wizard_for(service):
    steps = [
        (APPLICANT_STEP, IntakeApplicantForm),
        *service.form_steps(),
        (CONFIRM_STEP, IntakeConfirmForm),
    ]
    return IntakeWizard.as_view(
        form_list=steps,
        condition_dict=service.step_conditions(),
        service=service,
        url_name="ecommune_intake_step",
        done_step_name="envoi",
    )


_wizards: dict = {}


@back_office(AGENTS)
def intake_wizard(request, slug, step=None):
    """The intake of the service ``slug`` (each one's access is checked by the wizard)."""
    if slug not in registry:
        raise Http404
    service = registry.get(slug)
    view = _wizards.get(service)
    if view is None:
        view = _wizards[service] = _wizard_for(service)
    return view(request, slug=slug, step=step)
