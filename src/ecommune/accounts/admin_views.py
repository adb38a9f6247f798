"""Back-office pages of the second factor: setting up the authenticator, giving a code."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token

from ecommune.accounts import second_factor
from ecommune.accounts.audit import audit
from ecommune.accounts.forms import SetupTokenForm, TokenForm
from ecommune.accounts.models import AuditEvent
from ecommune.core.redirects import safe_next

THROTTLED = gettext_lazy(
    "Too many wrong codes in a row: wait a few seconds, then type the code the app shows."
)


def _next_url(request) -> str:
    return safe_next(request, "wagtailadmin_home")


def _issuer(request) -> str:
    commune = getattr(request, "commune", None)
    return commune.name if commune is not None else settings.WAGTAIL_SITE_NAME


def setup(request):
    user = request.user
    next_url = _next_url(request)
    if second_factor.has_confirmed_device(user):
        if user.is_verified():
            return redirect(next_url)
        return redirect(f"{reverse('ecommune_otp_verify')}?{urlencode({'next': next_url})}")
    device = second_factor.pending_device(user)
    form = SetupTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.is_throttled(user, device):
            form.add_error("token", THROTTLED)
            return _render_setup(request, form, device, next_url)
        codes = second_factor.confirm_device(device, form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            audit(request, AuditEvent.Action.OTP_SETUP, summary=_("Authenticator app set up."))
            return render(
                request,
                "ecommune_accounts/admin/otp_backup_codes.html",
                {"codes": codes, "next": next_url},
            )
        form.add_error(
            "token",
            _(
                "This is not the code the app shows. Check that your phone is on time, "
                "wait for a new code and type it."
            ),
        )
    return _render_setup(request, form, device, next_url)


def _render_setup(request, form, device, next_url):
    return render(
        request,
        "ecommune_accounts/admin/otp_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": second_factor.qr_code_data_uri(
                second_factor.provisioning_uri(device, _issuer(request))
            ),
            "secret": second_factor.secret_for_reading(device),
        },
    )


def verify(request):
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not second_factor.has_confirmed_device(user):
        return redirect(f"{reverse('ecommune_otp_setup')}?{urlencode({'next': next_url})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and second_factor.is_throttled(user):
        form.add_error("token", THROTTLED)
    elif request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        audit(request, AuditEvent.Action.OTP_FAILED)
        form.add_error(
            "token",
            _(
                "This code is not valid. Type the code your app shows now, or one of your "
                "backup codes."
            ),
        )
    return render(
        request, "ecommune_accounts/admin/otp_verify.html", {"form": form, "next": next_url}
    )
