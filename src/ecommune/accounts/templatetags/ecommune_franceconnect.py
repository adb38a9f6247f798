"""``{% franceconnect_button %}``: FranceConnect's official button, when it is enabled."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from ecommune.accounts.franceconnect import conf
from ecommune.core.redirects import REDIRECT_FIELD_NAME, safe_next

register = template.Library()


@register.inclusion_tag("ecommune_accounts/franceconnect/_button.html", takes_context=True)
def franceconnect_button(context):
    """The button, carrying the page's ``next`` on; nothing when FranceConnect is off."""
    if not conf.enabled():
        return {"enabled": False}
    request = context["request"]
    login_url = reverse("ecommune_accounts:franceconnect_login")
    # The sign-in page's own ``next`` (already checked by the view) or the query string's.
    next_url = safe_next(request, candidate=context.get("next")) or safe_next(request)
    if next_url:
        login_url += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
    return {"enabled": True, "login_url": login_url}
