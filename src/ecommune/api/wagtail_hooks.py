from wagtail import hooks

from ecommune.api.admin_views import api_token_viewset


@hooks.register("register_admin_viewset")
def register_api_token_viewset():
    return api_token_viewset
