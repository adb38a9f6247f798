"""Who may open the kit's back-office pages: one mechanism for every view and viewset.

Every back-office page the kit adds states its ``Access`` in one place: a class view
inherits ``BackOfficeMixin`` and sets ``access``, a function view is wrapped in
``@back_office(access)``, a viewset over commune-owned rows inherits
``CommuneModelViewSet`` and sets ``access``, any other viewset inherits
``BackOfficeViewSet`` and sets ``access``. The rule is the same everywhere:

- an anonymous visitor is sent to the sign-in page (Wagtail's ``require_admin_access``
  wraps every admin URL);
- a signed-in user the access does not allow gets a 403 page;
- the rows shown are those of the commune the back office serves for the user
  (``request.commune``: an agent's own commune, whatever the host name; the scoped
  managers do the rest), so another commune's ids give a 404.

``tests/test_backoffice_access.py`` walks every URL pattern the kit adds under the
admin and checks each one declares its access and keeps to it.
"""

import functools
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import path
from django.utils.functional import cached_property
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from ecommune.core.tenancy import get_current_commune


@dataclass(frozen=True)
class Access:
    """Agents of the commune; those handling ``service`` when one is named; those holding
    the Django ``permission`` (``app_label.codename``) when one is named. Superusers pass.
    Back-office users who are not agents (page editors) never do."""

    service: str | None = None
    permission: str | None = None

    def allows(self, user) -> bool:
        if not (user.is_authenticated and user.is_active):
            return False
        if user.is_superuser:
            return True
        agent = getattr(user, "agent", None)
        if agent is None:
            return False
        if self.service is not None and self.service not in (agent.services or []):
            return False
        return self.permission is None or user.has_perm(self.permission)


#: Any agent of the commune.
AGENTS = Access()


def agents_of(service: str, permission: str | None = None) -> Access:
    return Access(service=service, permission=permission)


def check(request, access: Access) -> None:
    """403 unless ``access`` allows the user and the back office serves them a commune."""
    if not access.allows(request.user) or get_current_commune() is None:
        raise PermissionDenied


class BackOfficeMixin:
    """For class-based back-office views: set ``access``."""

    access: Access | None = None

    def setup(self, request, *args, **kwargs):
        # In setup, before any dispatch() of the view reads a row.
        if self.access is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare its access.")
        check(request, self.access)
        super().setup(request, *args, **kwargs)


def back_office(access: Access):
    """For function back-office views: ``@back_office(agents_of("school"))``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            check(request, access)
            return view(request, *args, **kwargs)

        wrapper.access = access
        return wrapper

    return decorator


class AccessPolicy(ModelPermissionPolicy):
    """Wagtail's permission policy of a viewset over commune-owned rows, from an ``Access``:
    the allowed users may do ``actions`` on the current commune's rows, nobody else
    anything. With ``model_permissions`` the user also needs the model's own Django
    permission for the action (``view_outboxmessage``, ``retry_outboxmessage``…), given
    through a group: for screens an agent uses only when given the right."""

    def __init__(
        self,
        model,
        access: Access,
        actions=("add", "change", "delete", "view"),
        model_permissions: bool = False,
    ):
        super().__init__(model)
        self.access = access
        self.actions = set(actions)
        self.model_permissions = model_permissions

    def user_has_permission(self, user, action):
        return (
            action in self.actions
            and self.access.allows(user)
            and get_current_commune() is not None
            and (not self.model_permissions or super().user_has_permission(user, action))
        )

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        commune = get_current_commune()
        return (
            self.user_has_permission(user, action)
            and commune is not None
            and getattr(instance, "commune_id", None) == commune.pk
        )

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        return self.model.objects.all()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        return self.model.objects.all()

    def users_with_any_permission(self, actions, include_superusers=True):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        users = (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | Q(agent__isnull=False), is_active=True)
            .select_related("agent")
        )
        return [user for user in users if self.user_has_any_permission(user, actions)]


class CommuneModelViewSet(ModelViewSet):
    """A Wagtail viewset over commune-owned rows: set ``access`` (and ``actions`` to limit
    what may be done); the rows are the current commune's."""

    access: Access | None = None
    actions = ("add", "change", "delete", "view")
    model_permissions = False
    add_to_reference_index = False

    def on_register(self):
        if self.access is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare its access.")
        register_permission_policy(self.model, self.permission_policy)
        super().on_register()

    @cached_property
    def permission_policy(self):
        return AccessPolicy(self.model, self.access, self.actions, self.model_permissions)


class BackOfficeViewSet(ViewSet):
    """A Wagtail viewset of back-office pages that are not a model's (a service's desk):
    set ``access``; every view it builds (``BackOfficeMixin`` views) checks it, and its
    menu item is shown only to the users it lets in."""

    access: Access | None = None
    #: ``(route, view class, URL name)`` of each page; each view gets ``url_namespace``.
    pages: tuple = ()

    def on_register(self):
        if self.access is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare its access.")
        super().on_register()

    def get_urlpatterns(self):
        return [
            path(route, self.construct_view(view, url_namespace=self.url_namespace), name=name)
            for route, view, name in self.pages
        ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(access=self.access, **kwargs)

    def get_menu_item(self, order=None):
        return AccessMenuItem(
            self.menu_label,
            self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            access=self.access,
        )


class AccessMenuItem(MenuItem):
    """A back-office menu entry shown only to the users its page lets in."""

    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access

    def is_shown(self, request):
        return self.access.allows(request.user)


#: What a town-hall agent is usually given (through a group) beside their services: the
#: back office itself, the appointments desk and its set-up, the outbox and the message
#: templates. ``ecommune demo`` and the test factories give these; a site's administrators
#: compose their own groups in Settings → Groups.
AGENT_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "ecommune_appointments.change_booking",
    *(
        f"ecommune_appointments.{action}_{model}"
        for model in ("counter", "counteropening", "motive", "closure", "desk")
        for action in ("add", "change", "delete", "view")
    ),
    "ecommune_notifications.view_outboxmessage",
    "ecommune_notifications.retry_outboxmessage",
    "ecommune_notifications.add_notificationtemplate",
    "ecommune_notifications.change_notificationtemplate",
    "ecommune_notifications.view_notificationtemplate",
)


def permissions_named(names) -> list:
    """The ``Permission`` rows of ``app_label.codename`` names (all exist, or KeyError)."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    wanted = {tuple(name.split(".", 1)) for name in names}
    query = Q()
    for app_label, codename in wanted:
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise KeyError(f"Unknown permissions: {sorted(missing)}")
    return found


def grant_agent_permissions(group, permissions=AGENT_PERMISSIONS) -> None:
    """Give ``group`` what a town-hall agent usually has (``AGENT_PERMISSIONS``)."""
    group.permissions.add(*permissions_named(permissions))
