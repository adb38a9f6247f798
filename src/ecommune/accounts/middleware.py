"""The back office asks its users for their second factor before anything else."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from ecommune.accounts import second_factor
from ecommune.accounts.audit import needs_second_factor

# Back-office pages an agent reaches before the second factor: signing in and out,
# resetting a password, the second factor's own pages, the scripts and icons they load
# (Wagtail's icons.js fetches the sprite and pastes the answer into the page: a redirect
# there would paste the whole setup page a second time).
OPEN_URL_NAMES = {
    "wagtailadmin_sprite",
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "ecommune_otp_setup",
    "ecommune_otp_verify",
}


class AgentSecondFactorMiddleware:
    """Sends a back-office user without a confirmed authenticator to set one up, and one
    whose session has not given a code yet to give one; ``next`` brings them back.

    Goes after django-otp's ``OTPMiddleware``; ``ECOMMUNE_AGENT_OTP_REQUIRED = False``
    turns it off (a site that authenticates its agents elsewhere)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not second_factor.is_required():
            return None
        if not request.path.startswith(settings.ECOMMUNE_ADMIN_PREFIX):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_URL_NAMES:
            return None
        user = request.user
        if not needs_second_factor(user) or user.is_verified():
            return None
        target = (
            "ecommune_otp_verify"
            if second_factor.has_confirmed_device(user)
            else "ecommune_otp_setup"
        )
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
