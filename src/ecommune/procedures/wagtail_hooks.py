"""The designer in the back office: « Démarches conçues » (list, add, edit with its steps,
fields and statuses inline), with « Aperçu » and « Publier » on the edit page, and the
template library."""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import HeaderButton

from ecommune.accounts.backoffice import AGENTS, AccessPolicy, CommuneModelViewSet
from ecommune.procedures import admin_views
from ecommune.procedures.admin_forms import ProcedureForm
from ecommune.procedures.models import Procedure


class ProcedurePolicy(AccessPolicy):
    """Designers (agents holding the model's permissions); a procedure that has requests
    is never deleted, only archived."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.has_requests():
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class ProcedureIndexView(generic.IndexView):
    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("From a template"),
                url=reverse("ecommune_procedures_library"),
                icon_name="doc-full",
            ),
        ]


class ProcedureCreateView(generic.CreateView):
    def get_success_url(self):
        # Straight to the procedure, where « Aperçu » and « Publier » are.
        return reverse("ecommune_procedures:edit", args=[self.object.pk])


class ProcedureEditView(generic.EditView):
    def get_success_url(self):
        return reverse("ecommune_procedures:edit", args=[self.object.pk])

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Preview"),
                url=reverse("ecommune_procedures_preview", args=[self.object.pk]),
                icon_name="view",
            ),
            HeaderButton(
                _("Publish"),
                url=reverse("ecommune_procedures_publish", args=[self.object.pk]),
                icon_name="upload",
            ),
        ]


class ProcedureDeleteView(generic.DeleteView):
    def get_object(self, queryset=None):
        procedure = super().get_object(queryset)
        if procedure.has_requests():
            # Requests keep their version: archive the procedure instead.
            raise PermissionDenied
        return procedure

    def delete_action(self):
        # Versions without requests go with the procedure (the permission policy refuses
        # the deletion of a procedure that has requests).
        self.object.versions.all().delete()
        super().delete_action()


def state_of(procedure) -> str:
    latest = procedure.latest_version()
    if procedure.archived:
        return str(_("Archived"))
    if latest is None:
        return str(_("Draft, never published"))
    return str(_("Published (version %(number)s)") % {"number": latest.number})


class ProcedureViewSet(CommuneModelViewSet):
    access = AGENTS
    model_permissions = True
    model = Procedure
    name = "ecommune_procedures"
    url_prefix = "demarches-concues"
    icon = "form"
    menu_label = _("Designed procedures")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = ProcedureIndexView
    add_view_class = ProcedureCreateView
    edit_view_class = ProcedureEditView
    delete_view_class = ProcedureDeleteView
    list_display = ["title", "slug", Column("state", label=_("State"), accessor=state_of)]
    copy_view_enabled = False
    inspect_view_enabled = False

    @cached_property
    def permission_policy(self):
        return ProcedurePolicy(self.model, self.access, self.actions, self.model_permissions)

    def get_edit_handler(self):
        return ObjectList(Procedure.panels, base_form_class=ProcedureForm).bind_to_model(Procedure)


@hooks.register("register_admin_viewset")
def register_procedures():
    return ProcedureViewSet()


@hooks.register("register_admin_urls")
def register_procedure_urls():
    return [
        path(
            "demarches-concues/modeles/",
            admin_views.LibraryView.as_view(),
            name="ecommune_procedures_library",
        ),
        path(
            "demarches-concues/<int:pk>/publier/",
            admin_views.PublishView.as_view(),
            name="ecommune_procedures_publish",
        ),
        path(
            "demarches-concues/<int:pk>/apercu/",
            admin_views.preview,
            name="ecommune_procedures_preview",
        ),
        path(
            "demarches-concues/<int:pk>/apercu/<str:step>/",
            admin_views.preview,
            name="ecommune_procedures_preview_step",
        ),
    ]
