"""``{% franceconnect_button %}``: FranceConnect's official button, when it is enabled."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from ecommune.accounts.franceconnect import conf

register = template.Library()


@register.inclusion_tag("ecommune_accounts/franceconnect/_button.html", takes_context=True)
def franceconnect_button(context):
    """The button, carrying the page's ``next`` on; nothing when FranceConnect is off."""
    if not conf.enabled():
        return {"enabled": False}
    request = context["request"]
    login_url = reverse("ecommune_accounts:franceconnect_login")
    next_url = context.get("next") or request.GET.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        login_url += "?" + urlencode({"next": next_url})
    return {"enabled": True, "login_url": login_url}
