"""Residents' account pages under /compte/: thin views over ``services``."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView

from ecommune.accounts import agenda as agenda_dates
from ecommune.accounts import invitations, services
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
from ecommune.core import throttling
from ecommune.core.redirects import safe_next
from ecommune.core.tenancy import require_commune

SIGNUP_EMAIL_SESSION_KEY = "ecommune_accounts_signup_email"


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


class ThrottledFormMixin:
    """Counts each valid submission per connection and per typed email address
    (``ecommune.core.throttling``, limits ``<throttle_name>-ip`` and ``-email``); beyond
    either, the form comes back with what was typed, the reason and a 429."""

    throttle_name = ""

    def throttle_refusal(self, form):
        request = self.request
        return throttling.hit(
            request, f"{self.throttle_name}-ip", throttling.client_address(request)
        ) or throttling.hit(request, f"{self.throttle_name}-email", form.cleaned_data["email"])

    def form_valid(self, form):
        refusal = self.throttle_refusal(form)
        if refusal is not None:
            throttling.refuse(form, refusal)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return self.throttled_form_valid(form)

    def throttled_form_valid(self, form):
        return super().form_valid(form)


class SafeNextMixin:
    """Django's sign-in and sign-out views follow ``next`` through the kit's one check."""

    def get_redirect_url(self):
        return safe_next(self.request, field=self.redirect_field_name)


class SignUpView(ThrottledFormMixin, FormView):
    template_name = "ecommune_accounts/signup.html"
    form_class = SignUpForm
    throttle_name = "signup"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("ecommune_accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def throttled_form_valid(self, form):
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


@never_cache
def accept_invitation(request, token):
    """An invited agent chooses their password, then sets up their second factor."""
    try:
        user = invitations.read_invitation_token(token)
    except invitations.ExpiredInvitation:
        outcome = "expired"
    except invitations.UsedInvitation:
        outcome = "used"
    except invitations.InvalidInvitation:
        outcome = "invalid"
    else:
        outcome = ""
    if outcome:
        return render(
            request,
            "ecommune_accounts/accept_invitation.html",
            {"outcome": outcome},
            status=400,
        )
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitations.accept_invitation(request, user, form.cleaned_data["new_password1"])
        query = urlencode({"next": reverse("wagtailadmin_home")})
        return redirect(f"{reverse('ecommune_otp_setup')}?{query}")
    return render(
        request,
        "ecommune_accounts/accept_invitation.html",
        {"form": form, "invited": user, "invited_commune": user.agent.commune},
    )


class ResendVerificationView(ThrottledFormMixin, FormView):
    template_name = "ecommune_accounts/resend_verification.html"
    form_class = ResendVerificationForm
    throttle_name = "resend"

    def throttled_form_valid(self, form):
        services.resend_verification_email(form.cleaned_data["email"], _base_url(self.request))
        return render(
            self.request,
            "ecommune_accounts/resend_verification.html",
            {"sent": True, "email": form.cleaned_data["email"]},
        )


class SignInView(SafeNextMixin, auth_views.LoginView):
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


class SignOutView(SafeNextMixin, auth_views.LogoutView):
    template_name = "ecommune_accounts/logged_out.html"

    def post(self, request, *args, **kwargs):
        if franceconnect_views.signed_in_with_franceconnect(request):
            # Signed in through FranceConnect: the session ends there too.
            return franceconnect_views.logout(request)
        return super().post(request, *args, **kwargs)


class PasswordResetView(ThrottledFormMixin, auth_views.PasswordResetView):
    template_name = "ecommune_accounts/password_reset_form.html"
    form_class = AccountPasswordResetForm
    success_url = reverse_lazy("ecommune_accounts:password_reset_done")
    throttle_name = "password-reset"


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
    return redirect(reverse("ecommune_accounts:space"))


@login_required
def space(request):
    """« Mon espace »: what waits for the resident first, then their requests,
    appointments, documents, invoices and family (``ecommune.accounts.space``)."""
    from ecommune.accounts.space import render_sections

    require_commune(request)
    return render(request, "ecommune_accounts/space.html", {"sections": render_sections(request)})


@login_required
@never_cache
def agenda(request):
    """« Mon agenda »: the resident's coming dates, and the private link of their feed."""
    commune = require_commune(request)
    feed = agenda_dates.feed_of(request.user)
    feed_url = ""
    if feed is not None:
        feed_url = request.build_absolute_uri(
            reverse("ecommune_accounts:agenda_feed", args=[agenda_dates.key_of(feed)])
        )
    return render(
        request,
        "ecommune_accounts/agenda.html",
        {
            "items": agenda_dates.items_for(request.user, commune),
            "feed_url": feed_url,
            "reminders": agenda_dates.reminders_of(request.user),
            "profile_url": reverse("ecommune_accounts:profile"),
            "reminder_days": agenda_dates.REMINDER_DAYS,
            "manage_links": [
                (source.manage_label, reverse(source.manage_url_name))
                for source in agenda_dates.sources
                if source.manage_url_name
            ],
        },
    )


@login_required
@require_POST
def agenda_link(request):
    """« Renouveler le lien » (or create it), or delete it: the old address stops working."""
    require_commune(request)
    if request.POST.get("action") == "revoke":
        agenda_dates.revoke_feed(request.user)
        messages.success(request, _("The link of your calendar is deleted."))
    else:
        renewed = agenda_dates.feed_of(request.user) is not None
        agenda_dates.renew_feed(request.user)
        messages.success(
            request,
            _("Your calendar has a new link: the old one no longer works.")
            if renewed
            else _("Your calendar has its private link."),
        )
    return redirect("ecommune_accounts:agenda")


@login_required
@require_POST
def agenda_reminders(request):
    """Ask for, or stop, an email (and an SMS, with ``on_sms``) a few days before each date
    of the agenda."""
    require_commune(request)
    choice = request.POST.get("reminders")
    wanted, by_sms = choice in ("on", "on_sms"), choice == "on_sms"
    agenda_dates.set_reminders(request.user, wanted, by_sms=by_sms)
    if not wanted:
        text = _("You will no longer get a reminder before each date.")
    elif by_sms and request.user.phone:
        text = _("You will get an email and an SMS before each date.")
    else:
        text = _("You will get an email before each date.")
    messages.success(request, text)
    return redirect("ecommune_accounts:agenda")


@require_GET
def agenda_feed(request, key):
    """The resident's agenda as iCalendar, at its secret address (no sign-in: calendar
    applications fetch it on their own). An unknown, renewed or deleted key, or another
    commune's host, answers 404."""
    commune = require_commune(request)
    feed = agenda_dates.feed_for_key(key)
    if feed is None or not feed.user.is_active:
        raise Http404
    items = agenda_dates.items_for(feed.user, commune)
    response = HttpResponse(
        agenda_dates.to_ics(items, commune, request.build_absolute_uri("/")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
