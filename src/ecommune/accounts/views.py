"""Residents' account pages under /compte/: thin views over ``services``."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import FormView

from ecommune.accounts import services
from ecommune.accounts.audit import needs_second_factor
from ecommune.accounts.forms import (
    AccountPasswordResetForm,
    DeleteAccountForm,
    ProfileForm,
    ResendVerificationForm,
    SignInForm,
    SignUpForm,
)
from ecommune.accounts.franceconnect import views as franceconnect_views
from ecommune.accounts.tokens import ExpiredLink, InvalidLink

SIGNUP_EMAIL_SESSION_KEY = "ecommune_accounts_signup_email"


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


class SignUpView(FormView):
    template_name = "ecommune_accounts/signup.html"
    form_class = SignUpForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("ecommune_accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        services.register_resident(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            base_url=_base_url(self.request),
        )
        self.request.session[SIGNUP_EMAIL_SESSION_KEY] = data["email"]
        return redirect("ecommune_accounts:signup_done")


def signup_done(request):
    email = request.session.get(SIGNUP_EMAIL_SESSION_KEY, "")
    return render(
        request,
        "ecommune_accounts/signup_done.html",
        {"email": email, "valid_days": services.link_valid_days()},
    )


@require_GET
def verify_email(request, token):
    try:
        services.verify_email(token)
    except ExpiredLink:
        outcome, status = "expired", 400
    except InvalidLink:
        outcome, status = "invalid", 400
    else:
        outcome, status = "verified", 200
    return render(
        request,
        "ecommune_accounts/verify_email.html",
        {"outcome": outcome, "resend_form": ResendVerificationForm()},
        status=status,
    )


class ResendVerificationView(FormView):
    template_name = "ecommune_accounts/resend_verification.html"
    form_class = ResendVerificationForm

    def form_valid(self, form):
        services.resend_verification_email(form.cleaned_data["email"], _base_url(self.request))
        return render(
            self.request,
            "ecommune_accounts/resend_verification.html",
            {"sent": True, "email": form.cleaned_data["email"]},
        )


class SignInView(auth_views.LoginView):
    template_name = "ecommune_accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("ecommune_accounts:profile")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if form.is_bound and form.is_unverified:
            context["resend_form"] = ResendVerificationForm(
                initial={"email": form.cleaned_data.get("username", "")}
            )
        return context


class SignOutView(auth_views.LogoutView):
    template_name = "ecommune_accounts/logged_out.html"

    def post(self, request, *args, **kwargs):
        if franceconnect_views.signed_in_with_franceconnect(request):
            # Signed in through FranceConnect: the session ends there too.
            return franceconnect_views.logout(request)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "ecommune_accounts/password_reset_form.html"
    form_class = AccountPasswordResetForm
    success_url = reverse_lazy("ecommune_accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "ecommune_accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "ecommune_accounts/password_reset_confirm.html"
    success_url = reverse_lazy("ecommune_accounts:password_reset_complete")

    def form_valid(self, form):
        # The link reached the mailbox: the address is the resident's.
        if not self.user.email_verified:
            self.user.email_verified_at = timezone.now()
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "ecommune_accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "ecommune_accounts/password_change_form.html"
    success_url = reverse_lazy("ecommune_accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details have been saved."))
        return redirect("ecommune_accounts:profile")
    return render(request, "ecommune_accounts/profile.html", {"form": form})


@login_required
def delete_account(request):
    user = request.user
    if needs_second_factor(user):
        # A back-office account belongs to the town hall's records of who did what.
        return render(request, "ecommune_accounts/delete_agent.html", status=403)
    form = DeleteAccountForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        logout(request)
        services.delete_account(user)
        return redirect("ecommune_accounts:deleted")
    return render(request, "ecommune_accounts/delete.html", {"form": form})


def deleted(request):
    return render(request, "ecommune_accounts/deleted.html")


@never_cache
@login_required
def my_data(request):
    response = JsonResponse(
        services.export_user_data(request.user),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees.json"'
    return response


def account_home(request):
    return redirect(reverse("ecommune_accounts:profile"))
