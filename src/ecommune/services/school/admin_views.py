"""The school service's back office: the enrolments to decide (accept with the school, or
refuse with a reason), the lists per school and level with their CSV export, the enrolment
certificate, and the school map's CSV import with its report. Agents of the commune who
handle the « school » service, and superusers, get in."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts.backoffice import BackOfficeMixin, agents_of, back_office
from ecommune.core import csv_export
from ecommune.core.models import Commune
from ecommune.requests.statuses import Status
from ecommune.services.school import enrolments, sectorisation
from ecommune.services.school.enrolment_forms import next_school_year
from ecommune.services.school.models import School, SchoolEnrolment
from ecommune.services.school.service import SchoolEnrolmentService

SLUG = SchoolEnrolmentService.slug
OPEN_STATUSES = (Status.SUBMITTED, Status.IN_PROGRESS, Status.WAITING_RESIDENT)


#: The agents of the school service: enrolments, the street map, invoices, payments.
SCHOOL_AGENTS = agents_of(SLUG)
can_handle = SCHOOL_AGENTS.allows


class AgentOnlyMixin(BackOfficeMixin):
    access = SCHOOL_AGENTS


def _enrolments():
    """Scoped to the agent's commune by the back office's current commune."""
    return SchoolEnrolment.objects.select_related(
        "request", "sector_school", "requested_school", "assigned_school"
    )


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("School year"), coerce=int, required=False)
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        start = next_school_year()
        self.fields["year"].choices = [
            (year, f"{year}-{year + 1}") for year in (start + 1, start, start - 1)
        ]
        self.fields["school"].queryset = School.objects.all()


class EnrolmentListView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """The enrolments to decide, and the accepted ones per school and level."""

    page_title = _("School enrolments")
    header_icon = "group"
    template_name = "ecommune_school/admin/list.html"
    # A filter form read from the query string: nothing to post.
    http_method_names = ["get", "head", "options"]
    form_class = YearForm

    def get_form_kwargs(self):
        return {"data": self.request.GET or None}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        year, school = next_school_year(), None
        if form.is_bound and form.is_valid():
            year = form.cleaned_data["year"] or year
            school = form.cleaned_data["school"]
        groups: dict[tuple[str, str], list] = {}
        for enrolment in enrolments.accepted_enrolments(year, school):
            key = (enrolment.assigned_school.name, enrolment.get_level_display())
            groups.setdefault(key, []).append(enrolment)
        context.update(
            to_decide=_enrolments()
            .filter(request__status__in=OPEN_STATUSES)
            .order_by("request__submitted_at", "pk"),
            groups=[(name, level, rows) for (name, level), rows in groups.items()],
            year=year,
            year_label=f"{year}-{year + 1}",
            school=school,
        )
        return context


@back_office(SCHOOL_AGENTS)
def enrolments_csv(request):
    form = YearForm(request.GET or None)
    year, school = next_school_year(), None
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        school = form.cleaned_data["school"]
    return csv_export.response(
        enrolments.enrolments_table(year, school), f"inscriptions-{year}.csv"
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.all(), required=False
    )
    reason = forms.CharField(
        label=_("Reason for the refusal"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The family reads it in the email and on the request's page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.all()


def get_enrolment(reference: str) -> SchoolEnrolment:
    enrolment = _enrolments().filter(request__reference=reference).first()
    if enrolment is None:
        raise Http404
    return enrolment


class EnrolmentDecisionView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    header_icon = "group"
    template_name = "ecommune_school/admin/decision.html"
    form_class = DecisionForm

    def dispatch(self, request, *args, **kwargs):
        self.enrolment = get_enrolment(kwargs["reference"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(_("School enrolment %(reference)s")) % {
            "reference": self.enrolment.request.reference
        }

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_school_enrolments"), "label": _("School enrolments")},
            {"url": "", "label": self.enrolment.request.reference},
        ]

    def get_initial(self):
        enrolment = self.enrolment
        return {"school": enrolment.requested_school or enrolment.sector_school}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filed = self.enrolment.request
        context.update(
            enrolment=self.enrolment,
            filed=filed,
            rows=SchoolEnrolmentService.summary_rows(SchoolEnrolmentService.stored_data(filed)),
            documents=filed.documents.all(),
            is_open=filed.status in OPEN_STATUSES,
        )
        return context

    def form_valid(self, form):
        user = self.request.user
        try:
            if form.cleaned_data["decision"] == "accept":
                enrolments.accept(self.enrolment, school=form.cleaned_data["school"], actor=user)
            else:
                enrolments.refuse(self.enrolment, reason=form.cleaned_data["reason"], actor=user)
        except ValidationError as error:
            field = "school" if form.cleaned_data["decision"] == "accept" else "reason"
            form.add_error(field, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Done: the family is told by email."))
        return redirect("ecommune_school_enrolment", reference=self.enrolment.request.reference)


def certificate_response(enrolment) -> HttpResponse:
    response = HttpResponse(enrolments.certificate_pdf(enrolment), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="certificat-inscription-{enrolment.request.reference}.pdf"'
    )
    return response


@back_office(SCHOOL_AGENTS)
def certificate(request, reference):
    enrolment = get_enrolment(reference)
    if enrolment.assigned_school_id is None:
        raise Http404
    return certificate_response(enrolment)


class ImportForm(forms.Form):
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One line per street or part of a street: rue;cote;de;a;ecole (side pair, impair "
            "or empty; numbers from and to, or empty; the school's name or UAI code). The "
            "file replaces the whole map."
        ),
    )

    def __init__(self, *args, commune=None, **kwargs):
        super().__init__(*args, **kwargs)
        if commune is not None:
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = Commune.objects.all()

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large (5 MB at most)."))
        return uploaded


class StreetMapImportView(AgentOnlyMixin, WagtailAdminTemplateMixin, FormView):
    page_title = _("Import the school map")
    header_icon = "upload"
    template_name = "ecommune_school/admin/import.html"
    form_class = ImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.request.commune}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_school_enrolments"), "label": _("School enrolments")},
            {"url": "", "label": self.page_title},
        ]

    def form_valid(self, form):
        commune = self.request.commune or form.cleaned_data["commune"]
        report = sectorisation.import_street_map(commune, form.cleaned_data["file"].read())
        if report.imported:
            messages.success(
                self.request,
                _("%(count)s lines imported: they replace the previous map.")
                % {"count": report.imported},
            )
        else:
            messages.error(self.request, _("No line could be imported: the map is unchanged."))
        return self.render_to_response(self.get_context_data(form=form, report=report))
