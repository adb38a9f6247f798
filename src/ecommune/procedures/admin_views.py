"""The designer's pages beside the viewset's: publish, preview, archive, and the template
library a commune copies from."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ecommune.accounts.audit import audit
from ecommune.accounts.backoffice import Access, BackOfficeMixin, back_office
from ecommune.procedures import library
from ecommune.procedures.models import Procedure
from ecommune.procedures.publishing import publish_procedure
from ecommune.procedures.schema import check, rows_of, schema_of
from ecommune.procedures.service import build_service
from ecommune.requests.forms import ApplicantForm, ConfirmForm
from ecommune.requests.views import APPLICANT_STEP, CONFIRM_STEP, ServiceWizard

#: Agents given the right to design procedures (through a group).
DESIGNERS = Access(permission="ecommune_procedures.change_procedure")


def _procedure(pk) -> Procedure:
    return get_object_or_404(Procedure.objects.all(), pk=pk)


class PublishView(BackOfficeMixin, WagtailAdminTemplateMixin, TemplateView):
    """« Publier »: what publishing does, the draft's problems if any; posting it makes
    the new version residents file from now on."""

    access = DESIGNERS
    template_name = "ecommune_procedures/admin/publish.html"
    header_icon = "doc-full"
    page_title = gettext_lazy("Publish the procedure")

    def dispatch(self, request, pk):
        self.procedure = _procedure(pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return self.procedure.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_procedures:index"), "label": _("Designed procedures")},
            {
                "url": reverse("ecommune_procedures:edit", args=[self.procedure.pk]),
                "label": self.procedure.title,
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problems = check(*rows_of(self.procedure))
        latest = self.procedure.latest_version()
        context.update(
            procedure=self.procedure,
            problems=problems,
            latest=latest,
            next_number=(latest.number + 1) if latest else 1,
            preview_url=reverse("ecommune_procedures_preview", args=[self.procedure.pk]),
            edit_url=reverse("ecommune_procedures:edit", args=[self.procedure.pk]),
        )
        return context

    def post(self, request, pk):
        try:
            version = publish_procedure(self.procedure, request.user)
        except ValueError:
            return self.get(request, pk)
        if version is None:
            messages.info(request, _("Nothing changed since the last version."))
        else:
            audit(
                request,
                "procedures.published",
                self.procedure,
                f"{self.procedure.title} (v{version.number})",
                commune=self.procedure.commune,
            )
            messages.success(
                request,
                _("Version %(number)s of « %(title)s » is published: residents may file it.")
                % {"number": version.number, "title": self.procedure.title},
            )
        return redirect("ecommune_procedures:edit", self.procedure.pk)


class PreviewWizard(ServiceWizard):
    """The wizard as a resident sees it, from the draft; sending it files nothing."""

    procedure = None
    keeps_drafts = False

    def get_prefix(self, request, *args, **kwargs):
        return f"ecommune_preview_{self.procedure.pk}"

    def get_step_url(self, step):
        return reverse("ecommune_procedures_preview_step", args=[self.procedure.pk, step])

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["preview"] = True
        return context

    def get(self, *args, **kwargs):
        step = kwargs.get("step")
        if step is not None and step != self.done_step_name and step not in self.form_list:
            raise Http404
        return super().get(*args, **kwargs)

    def done(self, form_list, form_dict, **kwargs):
        summary = self.summary()
        self.storage.reset()
        return render(
            self.request,
            "ecommune_procedures/preview_done.html",
            {
                "service": self.service,
                "summary": summary,
                "edit_url": reverse("ecommune_procedures:edit", args=[self.procedure.pk]),
                "publish_url": reverse("ecommune_procedures_publish", args=[self.procedure.pk]),
            },
        )


@back_office(DESIGNERS)
def preview(request, pk, step=None):
    procedure = _procedure(pk)
    try:
        schema = schema_of(procedure)
    except ValueError:
        messages.error(request, _("The procedure has problems: correct them to preview it."))
        return redirect("ecommune_procedures:edit", procedure.pk)
    service = build_service(schema)
    view = PreviewWizard.as_view(
        form_list=[
            (APPLICANT_STEP, ApplicantForm),
            *service.form_steps(),
            (CONFIRM_STEP, ConfirmForm),
        ],
        condition_dict=service.step_conditions(),
        service=service,
        procedure=procedure,
        template_name="ecommune_procedures/preview_wizard.html",
        url_name="ecommune_procedures_preview_step",
        done_step_name="envoi",
    )
    if step is None:
        return redirect("ecommune_procedures_preview_step", procedure.pk, APPLICANT_STEP)
    return view(request, pk=pk, step=step)


class LibraryView(BackOfficeMixin, WagtailAdminTemplateMixin, TemplateView):
    """The kit's templates: copying one makes a draft the commune adapts."""

    access = DESIGNERS
    template_name = "ecommune_procedures/admin/library.html"
    header_icon = "doc-full"
    page_title = gettext_lazy("Templates of procedures")

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ecommune_procedures:index"), "label": _("Designed procedures")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["templates"] = library.TEMPLATES
        return context

    def post(self, request):
        key = request.POST.get("template", "")
        if key not in library.TEMPLATES:
            raise Http404
        procedure = library.copy(key)
        audit(request, "procedures.copied", procedure, procedure.title, commune=procedure.commune)
        messages.success(
            request,
            _("« %(title)s » is copied: adapt it, preview it, then publish it.")
            % {"title": procedure.title},
        )
        return redirect("ecommune_procedures:edit", procedure.pk)
