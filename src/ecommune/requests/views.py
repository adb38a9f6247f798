"""Residents' side of the engine: the wizard of each service, the acknowledgment, tracking.

Views are thin: forms parse, ``ecommune.requests.services`` files and moves requests.
A resident sees a request when it is theirs (their account), or when they proved it
in this session with its reference and email; anyone else gets a 404.
"""

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from formtools.wizard.views import NamedUrlSessionWizardView

from ecommune.accounts.franceconnect import certified_identity
from ecommune.core.registry import registry
from ecommune.requests import documents
from ecommune.requests.document_steps import ReusableDocumentsMixin, kept_documents
from ecommune.requests.forms import ApplicantForm, ConfirmForm, DocumentField, TrackForm
from ecommune.requests.models import Request
from ecommune.requests.services import Applicant, Beneficiary, submit_request

SESSION_KEY = "ecommune_requests"
APPLICANT_STEP, CONFIRM_STEP = "applicant", "confirm"


def remember(request, reference: str) -> None:
    """Let this browser session see ``reference`` (after filing it, or proving it)."""
    references = request.session.get(SESSION_KEY, [])
    if reference not in references:
        request.session[SESSION_KEY] = [*references, reference][-50:]


def followed_by(user):
    """A ``Q`` on ``Request``: the requests ``user`` filed, and those a service shares with
    them (the school enrolment of a child of their household, say)."""
    from django.db.models import Q

    followed = Q(applicant=user)
    for service in registry:
        shared = service.shared_with(user)
        if shared is not None:
            followed |= shared
    return followed


def visible_requests(request):
    """The requests of the current commune this visitor may see."""
    queryset = Request.objects.all()
    allowed = request.session.get(SESSION_KEY, [])
    if request.user.is_authenticated:
        from django.db.models import Q

        return queryset.filter(followed_by(request.user) | Q(reference__in=allowed))
    return queryset.filter(reference__in=allowed)


def get_visible_request(request, reference: str) -> Request:
    found = visible_requests(request).filter(reference=reference).first()
    if found is None:
        raise Http404
    return found


def enabled_service(request, slug: str):
    commune = getattr(request, "commune", None)
    if commune is None or not commune.has_service(slug):
        raise Http404
    return registry.get(slug)


class ServiceWizard(NamedUrlSessionWizardView):
    """One step per screen: who asks, the service's own steps, the summary to confirm."""

    template_name = "ecommune_requests/wizard.html"
    file_storage = FileSystemStorage(location=str(settings.BASE_DIR / "private" / "wizard"))
    service = None

    def get_prefix(self, request, *args, **kwargs):
        return f"ecommune_{self.service.slug}"

    def get_step_url(self, step):
        return reverse(
            "ecommune_requests:wizard_step", kwargs={"slug": self.service.slug, "step": step}
        )

    def get_form_initial(self, step):
        user = self.request.user
        if step == APPLICANT_STEP and user.is_authenticated:
            return {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "phone": getattr(user, "phone", ""),
            }
        return super().get_form_initial(step)

    def get_form_kwargs(self, step=None):
        """The engine's own kwargs, then the service's (``Service.step_form_kwargs``): a step
        that reuses documents gets the signed-in resident as ``owner``."""
        kwargs = super().get_form_kwargs(step)
        step = step or self.steps.current
        if step == APPLICANT_STEP:
            kwargs["certified"] = certified_identity(self.request.user)
        form_class = self.get_form_list().get(step)
        if form_class is not None and issubclass(form_class, ReusableDocumentsMixin):
            kwargs["owner"] = self.request.user
        kwargs.update(self.service.step_form_kwargs(step, self.request))
        return kwargs

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        titles = {APPLICANT_STEP: _("Who is asking"), CONFIRM_STEP: _("Check and send")}
        context.update(
            service=self.service,
            step_title=titles.get(self.steps.current)
            or self.service.step_title(self.steps.current),
        )
        if self.steps.current == CONFIRM_STEP:
            context["summary"] = self.summary()
        return context

    def summary(self):
        data = self.cleaned_by_step()
        applicant = data.get(APPLICANT_STEP) or {}
        rows = [
            (_("Name"), f"{applicant.get('first_name', '')} {applicant.get('last_name', '')}"),
            (_("Email"), applicant.get("email", "")),
        ]
        if applicant.get("phone"):
            rows.append((_("Mobile phone"), applicant["phone"]))
        if applicant.get("on_behalf"):
            rows.append(
                (
                    _("For"),
                    f"{applicant['beneficiary_first_name']} "
                    f"{applicant['beneficiary_last_name']} "
                    f"({applicant['beneficiary_capacity']})",
                )
            )
        rows += [(label, value) for label, value in self.service.summary_rows(data)]
        return rows

    def cleaned_by_step(self) -> dict:
        return {step: self.get_cleaned_data_for_step(step) or {} for step in self.get_form_list()}

    def done(self, form_list, form_dict, **kwargs):
        data = {step: form.cleaned_data for step, form in form_dict.items()}
        applicant = data[APPLICANT_STEP]
        key = self.storage.extra_data.setdefault("submission_key", str(uuid.uuid4()))
        with transaction.atomic():
            filed, created = submit_request(
                commune=self.request.commune,
                service=self.service,
                applicant=Applicant(
                    applicant["first_name"],
                    applicant["last_name"],
                    applicant["email"],
                    applicant.get("phone", ""),
                    applicant.get("sms_consent", False),
                    self.request.user if self.request.user.is_authenticated else None,
                ),
                beneficiary=Beneficiary(
                    applicant["beneficiary_first_name"],
                    applicant["beneficiary_last_name"],
                    applicant["beneficiary_capacity"],
                    applicant.get("beneficiary_email", ""),
                )
                if applicant.get("on_behalf")
                else None,
                submission_key=uuid.UUID(key),
            )
            if created:
                self.service.save(filed, data)
                self._keep_documents(filed, form_dict)
        remember(self.request, filed.reference)
        return redirect("ecommune_requests:acknowledgment", reference=filed.reference)

    def _keep_documents(self, filed, form_dict):
        owner = self.request.user if self.request.user.is_authenticated else None
        for form in form_dict.values():
            for name, field in form.fields.items():
                uploaded = form.cleaned_data.get(name)
                if isinstance(field, DocumentField) and uploaded:
                    document = documents.store_document(
                        uploaded=uploaded,
                        kind=field.document_kind,
                        commune=filed.commune,
                        owner=owner,
                    )
                    document.requests.add(filed)
            for document in kept_documents(form):
                document.requests.add(filed)


def _wizard_for(service):
    steps = [(APPLICANT_STEP, ApplicantForm), *service.form_steps(), (CONFIRM_STEP, ConfirmForm)]
    return ServiceWizard.as_view(
        form_list=steps,
        service=service,
        url_name="ecommune_requests:wizard_step",
        done_step_name="envoi",
    )


_wizards: dict[str, object] = {}


def service_wizard(request, slug, step=None):
    service = enabled_service(request, slug)
    view = _wizards.get(slug)
    if view is None:
        view = _wizards[slug] = _wizard_for(service)
    return view(request, slug=slug, step=step)


def acknowledgment(request, reference):
    filed = get_visible_request(request, reference)
    return render(
        request,
        "ecommune_requests/acknowledgment.html",
        {"filed": filed, "service": filed.service_class()},
    )


@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = Request.objects.filter(
            reference=form.cleaned_data["reference"],
            applicant_email__iexact=form.cleaned_data["email"],
        ).first()
        if found is not None:
            remember(request, found.reference)
            return redirect("ecommune_requests:detail", reference=found.reference)
        form.add_error(None, _("No request of this town hall has this reference and this email."))
    return render(request, "ecommune_requests/track.html", {"form": form})


def detail(request, reference):
    """The request's history across channels, the messages both ways and the reply form."""
    from ecommune.requests.answer_forms import AnswerForm
    from ecommune.requests.resident_views import delay_clock, missing_text
    from ecommune.requests.services import status_label, waiting_status

    filed = get_visible_request(request, reference)
    service = filed.service_class()
    events = list(filed.events.filter(visible_to_resident=True).select_related("actor"))
    for event in events:
        event.status_display = status_label(service, event.to_status) if event.to_status else ""
    owner = request.user if request.user.is_authenticated else None
    return render(
        request,
        "ecommune_requests/detail.html",
        {
            "filed": filed,
            "service": service,
            "events": events,
            "documents": filed.documents.all(),
            "form": None if filed.is_closed else AnswerForm(owner=owner),
            "clock": delay_clock(filed),
            "missing": missing_text(filed) if waiting_status(service) == filed.status else "",
        },
    )


@login_required
def my_requests(request):
    mine = Request.objects.filter(followed_by(request.user)).order_by("-submitted_at")
    return render(request, "ecommune_requests/my_requests.html", {"requests": mine})
