from wagtail import hooks

from ecommune.notifications.views import NotificationsViewSetGroup


@hooks.register("register_admin_viewset")
def register_notifications_viewsets():
    return NotificationsViewSetGroup()
