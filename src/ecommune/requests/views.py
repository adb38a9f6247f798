"""Residents' side of the engine: the wizard of each service, the acknowledgment, tracking.

Views are thin: forms parse, ``ecommune.requests.services`` files and moves requests.
A resident sees a request when it is theirs (their account), or when they proved it
in this session with its reference and email; anyone else gets a 404.
"""

import dataclasses
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from formtools.wizard.views import NamedUrlSessionWizardView

from ecommune.accounts.addresses import ADDRESS_OFFER_KEY
from ecommune.accounts.franceconnect import certified_identity
from ecommune.core import throttling
from ecommune.core.addresses import Address, address_fields_of
from ecommune.core.registry import registry
from ecommune.requests import drafts, wizard_files
from ecommune.requests.document_steps import (
    KEPT_SUFFIX,
    ReusableDocumentsMixin,
    kept_documents,
)
from ecommune.requests.filing import Documents, Upload, file_request
from ecommune.requests.forms import (
    BeneficiaryForm,
    ConfirmForm,
    DocumentField,
    ResidentApplicantForm,
    TrackForm,
)
from ecommune.requests.models import Request
from ecommune.requests.services import Applicant, Beneficiary

SESSION_KEY = "ecommune_requests"
APPLICANT_STEP, CONFIRM_STEP = "applicant", "confirm"
#: Asked only when the applicant files for someone else (``on_behalf``).
BENEFICIARY_STEP = "beneficiaire"
# In the wizard's storage: its one-time key, drawn when the resident sends the first step,
# and, once filed, the reference (so a late or repeated final call finds the same request).
SUBMISSION_KEY, FILED_KEY = "submission_key", "filed_reference"
#: The wizard's last step: its URL files the request and sends to the acknowledgment.
DONE_STEP = "envoi"


def wizard_prefix(slug: str) -> str:
    """The prefix of a service's wizard: its storage in the session and its management
    form's field (``<prefix>-current_step``)."""
    return f"ecommune_{slug}"


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
    # Designed procedures share nothing beyond the applicant: the coded services only,
    # which costs no query.
    for service in registry.coded():
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
    """One step per screen: who asks, the service's own steps, the summary to confirm.

    Filing happens exactly once per wizard: its one-time key is drawn with the first step
    sent and kept in the session, so concurrent final calls (six tabs, a replayed request)
    all carry the same key; the unique ``Request.submission_key`` lets one of them file,
    the others find that request and land on the same confirmation page."""

    template_name = "ecommune_requests/wizard.html"
    storage_name = "ecommune.requests.wizard_files.WizardSessionStorage"
    file_storage = wizard_files.storage
    service = None
    filed = None
    #: A signed-in resident's wizard is saved as a draft at each step (``drafts``); an
    #: agent's intake or preview is not theirs to resume.
    keeps_drafts = True

    def get_prefix(self, request, *args, **kwargs):
        return wizard_prefix(self.service.slug)

    def get_step_url(self, step):
        return reverse(
            "ecommune_requests:wizard_step", kwargs={"slug": self.service.slug, "step": step}
        )

    def post(self, *args, **kwargs):
        extra = self.storage.extra_data
        if SUBMISSION_KEY not in extra:
            extra.pop(FILED_KEY, None)
            extra[SUBMISSION_KEY] = str(uuid.uuid4())
        self.storage.forget_lost_files(self.steps.current)
        response = super().post(*args, **kwargs)
        drafts.keep(self)
        return response

    def get_form(self, step=None, data=None, files=None):
        """A step whose file is gone (purged after a day) asks for it again, next to it."""
        form = super().get_form(step, data, files)
        lost = self.storage.lost_files(step or self.steps.current)
        if lost and form.is_bound:
            form.full_clean()
            for name in form.fields:
                if form.add_prefix(name) in lost:
                    form.add_error(
                        name,
                        _("The file sent at this step is no longer kept: send it again."),
                    )
        return form

    def already_filed(self):
        """The request this wizard filed (maybe in a concurrent call), if any."""
        extra = self.storage.extra_data
        if extra.get(SUBMISSION_KEY):
            return Request.objects.filter(submission_key=extra[SUBMISSION_KEY]).first()
        if extra.get(FILED_KEY):
            return Request.objects.filter(reference=extra[FILED_KEY]).first()
        return None

    def render_done(self, form, **kwargs):
        if kwargs.get("step") != self.done_step_name:
            return super().render_done(form, **kwargs)
        self.filed = self.already_filed()
        if self.filed is None:
            response = super().render_done(form, **kwargs)
            if self.filed is None:  # a step failed again: formtools sends the resident there
                return response
        self.storage.reset()
        self.storage.extra_data[FILED_KEY] = self.filed.reference
        drafts.forget(self)
        return self.filed_response()

    def filed_response(self):
        """Where every caller lands once the request is filed: its acknowledgment."""
        remember(self.request, self.filed.reference)
        return redirect("ecommune_requests:acknowledgment", reference=self.filed.reference)

    def render_revalidation_failure(self, failed_step, form, **kwargs):
        """A concurrent final call of this wizard filed it (and deleted its files)."""
        self.filed = self.already_filed()
        if self.filed is not None:
            return None
        return super().render_revalidation_failure(failed_step, form, **kwargs)

    def get_form_initial(self, step):
        user = self.request.user
        if step == APPLICANT_STEP and user.is_authenticated:
            return {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "phone": getattr(user, "phone", ""),
            }
        initial = super().get_form_initial(step)
        fields = address_fields_of(self.form_list.get(step))
        if fields is not None and user.is_authenticated and Address.of_account(user):
            # The address is given once, in the account: every step asking it starts there.
            initial = {**fields.initial(Address.of_account(user)), **initial}
        return initial

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
        kwargs.update(self.earlier_answers(step))
        kwargs.update(self.service.step_form_kwargs(step, self.request))
        return kwargs

    def earlier_answers(self, step) -> dict:
        """``{"answers": …}``, the answers of the service's steps before ``step`` by field
        name, for a service whose forms take them (``Service.forms_take_earlier_answers``)."""
        own = step in self.form_list and step not in (APPLICANT_STEP, CONFIRM_STEP)
        if not self.service.forms_take_earlier_answers or not own:
            return {}
        answers = {}
        for earlier in self.get_form_list():
            if earlier == step:
                break
            if earlier not in (APPLICANT_STEP, CONFIRM_STEP):
                answers.update(self.get_cleaned_data_for_step(earlier) or {})
        return {"answers": answers}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        titles = {
            APPLICANT_STEP: _("Who is asking"),
            BENEFICIARY_STEP: _("The person concerned"),
            CONFIRM_STEP: _("Check and send"),
        }
        context.update(
            service=self.service,
            space_url=reverse("ecommune_accounts:space"),
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
        beneficiary = data.get(BENEFICIARY_STEP) or {}
        if applicant.get("on_behalf") and beneficiary:
            rows.append(
                (
                    _("For"),
                    f"{beneficiary['beneficiary_first_name']} "
                    f"{beneficiary['beneficiary_last_name']} "
                    f"({beneficiary['beneficiary_capacity']})",
                )
            )
        rows += [(label, value) for label, value in self.service.summary_rows(data)]
        return rows + self.kept_document_rows(data)

    def kept_document_rows(self, data) -> list[tuple[str, str]]:
        """The documents chosen from the resident's space: the service's rows name the files
        sent, not these, and the summary lists every piece the request will carry."""
        rows = []
        for step, form_class in self.get_form_list().items():
            answers = data.get(step) or {}
            for name, value in answers.items():
                if not name.endswith(KEPT_SUFFIX) or not value:
                    continue
                field = form_class.base_fields.get(name.removesuffix(KEPT_SUFFIX))
                label = str(field.label) if field is not None else str(value.get_kind_display())
                rows.append(
                    (
                        label,
                        _("%(title)s (already in your documents)") % {"title": value.title},
                    )
                )
        return rows

    def cleaned_by_step(self) -> dict:
        return {step: self.get_cleaned_data_for_step(step) or {} for step in self.get_form_list()}

    def done(self, form_list, form_dict, **kwargs):
        """File the request once; ``render_done`` then sends every caller to its page."""
        data = {step: form.cleaned_data for step, form in form_dict.items()}
        key = self.storage.extra_data.setdefault(SUBMISSION_KEY, str(uuid.uuid4()))
        user = self.request.user if self.request.user.is_authenticated else None
        self.filed, _created = file_request(
            commune=self.request.commune,
            service=self.service,
            applicant=applicant_of(data[APPLICANT_STEP], user),
            beneficiary=beneficiary_of({**data[APPLICANT_STEP], **data.get(BENEFICIARY_STEP, {})}),
            data=data,
            documents=documents_of(form_dict.values()),
            submission_key=uuid.UUID(key),
        )
        offer_address_update(self.request, form_dict.values())


def offer_address_update(request, forms) -> None:
    """A signed-in resident who gave another address than their account's is offered, on
    the acknowledgment, to keep it in their account (``ecommune_accounts:address_update``
    reads it from the session, never from the page)."""
    if not request.user.is_authenticated:
        return
    current = Address.of_account(request.user)
    for form in forms:
        fields = address_fields_of(type(form))
        given = fields.read(form.cleaned_data) if fields is not None else None
        if given and not given.same_as(current):
            request.session[ADDRESS_OFFER_KEY] = dataclasses.asdict(given)
            return


def applicant_of(answers: dict, user=None) -> Applicant:
    """The applicant of the « who is asking » step (``ApplicantForm``)."""
    return Applicant(
        answers["first_name"],
        answers["last_name"],
        answers["email"],
        answers.get("phone", ""),
        answers.get("sms_consent", False),
        user,
    )


def beneficiary_of(answers: dict) -> Beneficiary | None:
    if not answers.get("on_behalf"):
        return None
    return Beneficiary(
        answers["beneficiary_first_name"],
        answers["beneficiary_last_name"],
        answers["beneficiary_capacity"],
        answers.get("beneficiary_email", ""),
    )


def documents_of(forms) -> Documents:
    """The files given in the forms' ``DocumentField``s and the documents chosen from the
    resident's space."""
    found = Documents()
    for form in forms:
        for name, field in form.fields.items():
            uploaded = form.cleaned_data.get(name)
            if isinstance(field, DocumentField) and uploaded:
                found.uploads.append(Upload(field.document_kind, uploaded))
        found.reused += kept_documents(form)
    return found


def files_for_someone_else(wizard) -> bool:
    """Whether the « who is asking » step was sent with « for someone else » ticked (read
    from the stored step: cleaning it here would ask for the form list again)."""
    data = wizard.storage.get_step_data(APPLICANT_STEP) or {}
    return bool(data.get(f"{APPLICANT_STEP}-on_behalf"))


def _wizard_for(service):
    steps = [
        (APPLICANT_STEP, ResidentApplicantForm),
        (BENEFICIARY_STEP, BeneficiaryForm),
        *service.form_steps(),
        (CONFIRM_STEP, ConfirmForm),
    ]
    return ServiceWizard.as_view(
        form_list=steps,
        condition_dict={BENEFICIARY_STEP: files_for_someone_else, **service.step_conditions()},
        service=service,
        url_name="ecommune_requests:wizard_step",
        done_step_name=DONE_STEP,
    )


_wizards: dict[type, object] = {}


def access_refusal(request, service):
    """None when the visitor may file ``service`` (``Service.access``); otherwise the page
    that says how to sign in, with a link that comes back here."""
    from urllib.parse import urlencode

    from ecommune.core.services import FRANCECONNECT, SIGNED_IN

    user = request.user
    if service.access == SIGNED_IN and user.is_authenticated:
        return None
    if service.access == FRANCECONNECT and certified_identity(user) is not None:
        return None
    if service.access not in (SIGNED_IN, FRANCECONNECT):
        return None
    franceconnect = service.access == FRANCECONNECT
    name = "ecommune_accounts:franceconnect_login" if franceconnect else "ecommune_accounts:login"
    sign_in_url = f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"
    return render(
        request,
        "ecommune_requests/access_required.html",
        {"service": service, "franceconnect": franceconnect, "sign_in_url": sign_in_url},
        status=403 if user.is_authenticated else 200,
    )


def service_wizard(request, slug, step=None):
    service = enabled_service(request, slug)
    refusal = access_refusal(request, service)
    if refusal is not None:
        return refusal
    return wizard_view(service)(request, slug=slug, step=step)


def wizard_view(service):
    """The wizard of ``service``, made once. By class: a designed procedure's slug names a
    new class with each version."""
    view = _wizards.get(service)
    if view is None:
        view = _wizards[service] = _wizard_for(service)
    return view


def wizard_form_list(service) -> dict:
    """Every step of the service's wizard and its form class, conditions aside."""
    return wizard_view(service).view_initkwargs["form_list"]


def acknowledgment(request, reference):
    filed = get_visible_request(request, reference)
    offered = request.session.get(ADDRESS_OFFER_KEY) if request.user.is_authenticated else None
    return render(
        request,
        "ecommune_requests/acknowledgment.html",
        {
            "filed": filed,
            "service": filed.service_class(),
            "address_offer": Address(**offered) if offered else None,
            "has_address": bool(offered and Address.of_account(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
def track(request):
    """Find a request by reference and email. Wrong guesses are counted per connection
    and per email (``track-ip``, ``track-email``): beyond either, no look-up is made."""
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address, email = throttling.client_address(request), form.cleaned_data["email"]
        refusal = throttling.reached(request, "track-ip", address) or throttling.reached(
            request, "track-email", email
        )
        if refusal is not None:
            throttling.refuse(form, refusal)
            return render(request, "ecommune_requests/track.html", {"form": form}, status=429)
        found = Request.objects.filter(
            reference=form.cleaned_data["reference"], applicant_email__iexact=email
        ).first()
        if found is not None:
            remember(request, found.reference)
            return redirect("ecommune_requests:detail", reference=found.reference)
        throttling.record(request, "track-ip", address)
        throttling.record(request, "track-email", email)
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
            "form": None
            if filed.is_closed
            else AnswerForm(
                owner=owner,
                first_message=not any(
                    event.kind == "message_out" or event.to_status == waiting_status(service)
                    for event in events
                ),
            ),
            "clock": delay_clock(filed),
            "missing": missing_text(filed) if waiting_status(service) == filed.status else "",
        },
    )


@login_required
def my_requests(request):
    mine = Request.objects.filter(followed_by(request.user)).order_by("-submitted_at")
    return render(request, "ecommune_requests/my_requests.html", {"requests": mine})
