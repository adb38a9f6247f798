"""Back office of the school service: its menu item and pages."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup

from ecommune.accounts.backoffice import CommuneModelViewSet
from ecommune.services.school import admin_views, billing_admin
from ecommune.services.school.admin_forms import ActivityAdminForm
from ecommune.services.school.models import Activity, EnrolmentPeriod, PriceBand, SchoolHoliday


@hooks.register("register_admin_urls")
def register_school_urls():
    return [
        path("ecoles/", admin_views.EnrolmentListView.as_view(), name="ecommune_school_enrolments"),
        path("ecoles/inscriptions.csv", admin_views.enrolments_csv, name="ecommune_school_csv"),
        path(
            "ecoles/carte-scolaire/",
            admin_views.StreetMapImportView.as_view(),
            name="ecommune_school_import",
        ),
        path(
            "ecoles/factures/",
            billing_admin.InvoiceListView.as_view(),
            name="ecommune_school_invoices",
        ),
        path(
            "ecoles/factures/facturation/",
            billing_admin.BillingRunView.as_view(),
            name="ecommune_school_billing_run",
        ),
        path(
            "ecoles/factures/reglages/",
            billing_admin.InvoicingSettingsView.as_view(),
            name="ecommune_school_invoicing_settings",
        ),
        path(
            "ecoles/factures/<str:number>/",
            billing_admin.InvoiceDetailView.as_view(),
            name="ecommune_school_invoice",
        ),
        path(
            "ecoles/factures/<str:number>.pdf",
            billing_admin.invoice_pdf_view,
            name="ecommune_school_invoice_pdf",
        ),
        path(
            "ecoles/<str:reference>/",
            admin_views.EnrolmentDecisionView.as_view(),
            name="ecommune_school_enrolment",
        ),
        path(
            "ecoles/<str:reference>/certificat.pdf",
            admin_views.certificate,
            name="ecommune_school_certificate",
        ),
    ]


class SchoolMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_handle(request.user)


@hooks.register("register_admin_menu_item")
def register_school_menu_item():
    return SchoolMenuItem(
        _("School enrolments"),
        reverse("ecommune_school_enrolments"),
        icon_name="group",
        order=170,
    )


@hooks.register("register_admin_menu_item")
def register_invoices_menu_item():
    return SchoolMenuItem(
        _("Canteen invoices"),
        reverse("ecommune_school_invoices"),
        icon_name="doc-full",
        order=176,
    )


class ActivityViewSet(CommuneModelViewSet):
    access = admin_views.SCHOOL_AGENTS
    model_permissions = True
    model = Activity
    icon = "date"
    menu_label = _("Activities")
    add_to_admin_menu = False
    form_fields = ["name", "kind", "weekdays"]
    list_display = [
        "name",
        "kind",
        Column("get_weekdays_display", label=_("Days")),
        Column("cantine_status", label=_("« Cantine à 1 € »")),
    ]

    def get_form_class(self, for_update=False):
        return ActivityAdminForm


class PriceBandViewSet(CommuneModelViewSet):
    access = admin_views.SCHOOL_AGENTS
    model_permissions = True
    model = PriceBand
    icon = "tag"
    menu_label = _("Prices")
    add_to_admin_menu = False
    form_fields = ["activity", "school_year", "qf_min", "qf_max", "is_default", "price"]
    list_display = ["activity", "school_year", "qf_min", "qf_max", "is_default", "price"]
    list_filter = ["activity", "school_year"]


class SchoolHolidayViewSet(CommuneModelViewSet):
    access = admin_views.SCHOOL_AGENTS
    model_permissions = True
    model = SchoolHoliday
    icon = "calendar"
    menu_label = _("School holidays")
    add_to_admin_menu = False
    form_fields = ["name", "starts_on", "ends_on"]
    list_display = ["name", "starts_on", "ends_on"]


class EnrolmentPeriodViewSet(CommuneModelViewSet):
    access = admin_views.SCHOOL_AGENTS
    model_permissions = True
    model = EnrolmentPeriod
    icon = "calendar"
    menu_label = _("School enrolment periods")
    menu_order = 174
    add_to_admin_menu = True
    form_fields = ["school_year", "opens_on", "closes_on"]
    list_display = ["__str__", "opens_on", "closes_on"]


@hooks.register("register_admin_viewset")
def register_enrolment_periods():
    return EnrolmentPeriodViewSet("ecommune_school_enrolment_periods")


class CanteenGroup(ModelViewSetGroup):
    menu_label = _("Canteen and after-school")
    menu_icon = "date"
    menu_order = 175
    items = (
        ActivityViewSet("ecommune_school_activities"),
        PriceBandViewSet("ecommune_school_prices"),
        SchoolHolidayViewSet("ecommune_school_holidays"),
    )


@hooks.register("register_admin_viewset")
def register_canteen_viewsets():
    return CanteenGroup()
