"""The appointments in the back office: counters, motives, closures and desks to edit, the
agenda, booking for a caller, closing a period, and the queue desk page."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from ecommune.accounts.backoffice import AGENTS, AccessMenuItem, CommuneModelViewSet
from ecommune.appointments import admin_views
from ecommune.appointments.forms import OpeningForm
from ecommune.appointments.models import Closure, Counter, CounterOpening, Desk, Motive

app_name = "ecommune_appointments_admin"

urlpatterns = [
    path("", admin_views.AgendaView.as_view(), name="agenda"),
    path("imprimer/", admin_views.agenda_print, name="print"),
    path("<int:pk>/statut/", admin_views.set_status, name="status"),
    path("prendre/", admin_views.BookOnBehalfView.as_view(), name="book"),
    path("fermer/", admin_views.ClosePeriodView.as_view(), name="close"),
    path("file/", admin_views.QueueDeskView.as_view(), name="queue"),
]


@hooks.register("register_admin_urls")
def register_appointments_urls():
    return [path("rendez-vous/", include((urlpatterns, app_name), namespace=app_name))]


class CounterViewSet(CommuneModelViewSet):
    access = AGENTS
    model_permissions = True
    url_prefix = "rendez-vous-guichets"
    name = "appointments_guichets"
    model = Counter
    icon = "home"
    menu_label = _("Counters")
    add_to_admin_menu = False
    form_fields = ["name", "location", "slot_minutes", "latitude", "longitude"]
    list_display = ["name", "location"]


class OpeningViewSet(CommuneModelViewSet):
    access = AGENTS
    model_permissions = True
    url_prefix = "rendez-vous-horaires"
    name = "appointments_horaires"
    model = CounterOpening
    icon = "time"
    menu_label = _("Opening hours")
    list_display = ["__str__", "agents_on_duty"]

    def get_form_class(self, for_update=False):
        return OpeningForm

    def get_queryset(self, request):
        return CounterOpening.objects.select_related("counter", "event__rule")


class MotiveViewSet(CommuneModelViewSet):
    access = AGENTS
    model_permissions = True
    url_prefix = "rendez-vous-motifs"
    name = "appointments_motifs"
    model = Motive
    icon = "list-ul"
    menu_label = _("Motives")
    form_fields = [
        "name",
        "slug",
        "duration_minutes",
        "max_people",
        "counters",
        "instructions",
        "requires_ants_number",
        "ants_reason",
        "active",
    ]
    list_display = ["name", "duration_minutes", "active"]


class ClosureViewSet(CommuneModelViewSet):
    access = AGENTS
    model_permissions = True
    url_prefix = "rendez-vous-fermetures"
    name = "appointments_fermetures"
    model = Closure
    icon = "cross"
    menu_label = _("Closures")
    form_fields = ["counter", "starts_on", "ends_on", "reason"]
    list_display = ["starts_on", "ends_on", "counter", "reason"]


class DeskViewSet(CommuneModelViewSet):
    access = AGENTS
    model_permissions = True
    url_prefix = "rendez-vous-postes"
    name = "appointments_postes"
    model = Desk
    icon = "user"
    menu_label = _("Desks")
    form_fields = ["counter", "name"]
    list_display = ["name", "counter", "is_open"]


class AppointmentsViewSetGroup(ViewSetGroup):
    menu_label = _("Appointments")
    menu_icon = "date"
    menu_order = 250
    items = (CounterViewSet, OpeningViewSet, MotiveViewSet, ClosureViewSet, DeskViewSet)

    def get_submenu_items(self):
        return [
            AccessMenuItem(
                _("Agenda"),
                reverse_lazy("ecommune_appointments_admin:agenda"),
                icon_name="date",
                order=1,
                access=admin_views.DESK,
            ),
            AccessMenuItem(
                _("Book for a caller"),
                reverse_lazy("ecommune_appointments_admin:book"),
                icon_name="plus",
                order=2,
                access=admin_views.DESK,
            ),
            AccessMenuItem(
                _("Close a period"),
                reverse_lazy("ecommune_appointments_admin:close"),
                icon_name="cross",
                order=3,
                access=admin_views.DESK,
            ),
            AccessMenuItem(
                _("Queue"),
                reverse_lazy("ecommune_appointments_admin:queue"),
                icon_name="group",
                order=4,
                access=admin_views.DESK,
            ),
            *super().get_submenu_items(),
        ]


@hooks.register("register_admin_viewset")
def register_appointments_viewsets():
    return AppointmentsViewSetGroup()
