"""Back-office screens: the outbox (read, filter, send again) and the message templates.

Both are Wagtail viewsets; their querysets go through the commune-scoped
managers, so an agent sees their own commune's rows only (a superuser, the host's
commune's). Outbox rows are written by the kit and never edited by hand:
the only action is "send again", which goes through ``services.retry_message``.
"""

import django_filters
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from ecommune.accounts.backoffice import AGENTS, CommuneModelViewSet
from ecommune.notifications.events import events
from ecommune.notifications.forms import NotificationTemplateForm
from ecommune.notifications.models import Channel, NotificationTemplate, OutboxMessage, Status
from ecommune.notifications.services import retry_message


def _event_column():
    return Column("event", label=_("event"), accessor=lambda row: events.label(row.event))


def _date_or_dash(value):
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"


# The outbox ------------------------------------------------------------------------------


class OutboxFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Status.choices)
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Channel.choices)
    event = django_filters.ChoiceFilter(label=_("event"), choices=events.choices)

    class Meta:
        model = OutboxMessage
        fields = ["status", "channel", "event"]


class RetryUrlMixin:
    retry_url_name = None

    def get_retry_url(self, message):
        if (
            self.retry_url_name
            and message.can_retry
            and self.permission_policy.user_has_permission(self.request.user, "retry")
        ):
            return reverse(self.retry_url_name, args=[message.pk])
        return None


class OutboxIndexView(RetryUrlMixin, IndexView):
    default_ordering = "-created_at"

    @cached_property
    def columns(self):
        columns = [
            self._get_title_column("recipient"),
            Column("channel", label=_("channel"), accessor="get_channel_display"),
            _event_column(),
            Column("related_reference", label=_("about")),
            StatusTagColumn(
                "status",
                label=_("status"),
                accessor="get_status_display",
                sort_key="status",
                primary=lambda row: row.status == Status.SENT,
            ),
            Column("attempts", label=_("attempts"), sort_key="attempts"),
            DateColumn("next_attempt_at", label=_("next attempt"), sort_key="next_attempt_at"),
            Column(
                "last_error",
                label=_("last error"),
                accessor=lambda row: Truncator(row.last_error).chars(80),
            ),
            DateColumn("created_at", label=_("created at"), sort_key="created_at"),
        ]
        return columns

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if retry_url := self.get_retry_url(instance):
            buttons.append(MenuItem(_("Send again"), url=retry_url, icon_name="resubmit"))
        return buttons


class OutboxInspectView(RetryUrlMixin, InspectView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if retry_url := self.get_retry_url(self.object):
            buttons.append(HeaderButton(_("Send again"), url=retry_url, icon_name="resubmit"))
        return buttons

    def get_event_display_value(self):
        return events.label(self.object.event)

    def get_body_display_value(self):
        if events.is_confidential(self.object.event):
            # A link to choose a password or check an address: not for the agents' eyes.
            return _("Hidden: this message holds a personal link for its recipient only.")
        return self.object.body

    def get_next_attempt_at_display_value(self):
        return _date_or_dash(self.object.next_attempt_at)

    def get_sent_at_display_value(self):
        return _date_or_dash(self.object.sent_at)


class RetryView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Asks to confirm, then sends a failed or waiting message again."""

    model = OutboxMessage
    permission_required = "retry"
    template_name = "ecommune_notifications/admin/confirm_retry.html"
    page_title = _("Send again")
    header_icon = "resubmit"
    index_url_name = None
    inspect_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # The scoped manager: another commune's message is a 404.
        self.object = get_object_or_404(OutboxMessage, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": OutboxMessage._meta.verbose_name_plural},
            {
                "url": reverse(self.inspect_url_name, args=[self.object.pk]),
                "label": str(self.object),
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["cancel_url"] = reverse(self.index_url_name)
        return context

    def post(self, request, *args, **kwargs):
        if retry_message(self.object):
            messages.success(request, _("The message will be sent again in a moment."))
        else:
            messages.warning(request, _("This message is already sent or being sent."))
        return redirect(self.index_url_name)


class OutboxViewSet(CommuneModelViewSet):
    """Agents given « Can view outbox message » read their commune's messages; « Can send a
    message again » lets them retry one."""

    model = OutboxMessage
    access = AGENTS
    actions = ("view", "retry")
    model_permissions = True
    name = "ecommune_outbox"
    icon = "mail"
    menu_label = _("Outbox")
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = OutboxIndexView
    inspect_view_class = OutboxInspectView
    filterset_class = OutboxFilterSet
    search_fields = ["recipient", "related_reference", "subject"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_fields = [
        "created_at",
        "channel",
        "recipient",
        "event",
        "related_reference",
        "subject",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
    ]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        # Read-only: no add, edit, copy, delete, history or usage screens.
        for name in (
            "add_url_name",
            "edit_url_name",
            "delete_url_name",
            "history_url_name",
            "usage_url_name",
            "copy_url_name",
        ):
            view_kwargs[name] = None
        view_kwargs["retry_url_name"] = self.get_url_name("retry")
        view_kwargs["inspect_url_name"] = self.get_url_name("inspect")
        return view_kwargs

    @property
    def retry_view(self):
        return self.construct_view(RetryView)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("retry/<int:pk>/", self.retry_view, name="retry"),
        ]

    def register_admin_url_finder(self):
        # No edit screen to link to.
        return None


# Message templates -----------------------------------------------------------------------


class NotificationTemplateIndexView(IndexView):
    default_ordering = "event"

    @cached_property
    def columns(self):
        columns = [
            self._get_title_column("__str__"),
            Column("channel", label=_("channel"), accessor="get_channel_display"),
            Column("service", label=_("service")),
            BooleanColumn("active", label=_("active")),
            DateColumn("updated_at", label=_("updated at"), sort_key="updated_at"),
        ]
        return columns


class NotificationTemplateViewSet(CommuneModelViewSet):
    """Agents given the template permissions word their commune's messages."""

    model = NotificationTemplate
    access = AGENTS
    model_permissions = True
    name = "ecommune_notification_templates"
    icon = "doc-full"
    menu_label = _("Message templates")
    add_to_reference_index = False
    copy_view_enabled = False
    index_view_class = NotificationTemplateIndexView
    list_filter = ["channel", "active"]

    def get_form_class(self, for_update=False):
        return NotificationTemplateForm


class NotificationsViewSetGroup(ViewSetGroup):
    menu_label = _("Notifications")
    menu_icon = "mail"
    menu_order = 260
    items = (OutboxViewSet, NotificationTemplateViewSet)
