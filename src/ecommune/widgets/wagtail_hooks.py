from wagtail import hooks

from ecommune.widgets.admin_views import widgets_viewset


@hooks.register("register_admin_viewset")
def register_widgets_viewset():
    return widgets_viewset
