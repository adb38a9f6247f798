from wagtail import hooks

from ecommune.webhooks.admin_views import webhook_viewset


@hooks.register("register_admin_viewset")
def register_webhook_viewset():
    return webhook_viewset
