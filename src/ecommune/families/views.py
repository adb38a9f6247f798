"""The family space (« Ma famille »), mounted under /famille/: thin views over
``ecommune.families.households``. What the services and payments add to its page comes
through ``ecommune.families.space``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecommune.core.tenancy import require_commune
from ecommune.families import households
from ecommune.families.forms import AddressForm, ChildForm, InvitationForm, QuotientForm
from ecommune.families.models import Child
from ecommune.families.space import render_sections
from ecommune.requests import documents


def household_of_request(request):
    """The signed-in account's household in the commune the host serves, created empty on
    first use (the family space's pages, and those the services add to it)."""
    return households.get_or_create_household(request.user, require_commune(request))


@login_required
def family(request):
    household = household_of_request(request)
    today = timezone.localdate()
    return render(
        request,
        "ecommune_families/family.html",
        {
            "household": household,
            "guardians": household.guardians.select_related("user"),
            "children": household.children.all(),
            "invitations": household.invitations.filter(
                accepted_at__isnull=True, expires_at__gt=timezone.now()
            ),
            "sections": render_sections(request, household),
            "qf": household.qf_on(today),
            "qf_expired": household.quotient_familial is not None
            and household.qf_on(today) is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def address(request):
    household_of_request(request)  # the family space's page: its household exists
    form = AddressForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your address has been saved."))
        return redirect("ecommune_families:family")
    return render(request, "ecommune_families/form.html", {"form": form, "title": _("Address")})


@login_required
@require_http_methods(["GET", "POST"])
def child(request, pk=None):
    household = household_of_request(request)
    instance = get_object_or_404(Child, pk=pk, household=household) if pk else None
    form = ChildForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                households.add_child(household, **form.cleaned_data)
            else:
                form.save()
        except ValidationError as exc:
            form.add_error("first_name", exc)
        else:
            messages.success(request, _("The child has been saved."))
            return redirect("ecommune_families:family")
    title = _("Edit a child") if instance else _("Add a child")
    return render(request, "ecommune_families/form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def quotient(request):
    household = household_of_request(request)
    form = QuotientForm(request.POST or None, request.FILES or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        if document is None:
            document = documents.store_document(
                uploaded=form.cleaned_data["upload"],
                kind=form.fields["upload"].document_kind,
                commune=household.commune,
                owner=request.user,
                title=_("Quotient familial certificate"),
            )
        households.set_quotient_familial(
            household,
            value=form.cleaned_data["value"],
            document=document,
            valid_until=form.cleaned_data["valid_until"],
        )
        messages.success(request, _("Your quotient familial has been saved."))
        return redirect("ecommune_families:family")
    return render(
        request,
        "ecommune_families/form.html",
        {
            "form": form,
            "title": _("Quotient familial"),
            "intro": _(
                "Your quotient familial sets the price of the canteen and after-school care. "
                "Without a valid certificate, the full price applies."
            ),
            "multipart": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request):
    household = household_of_request(request)
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            households.invite_guardian(
                household, email=form.cleaned_data["email"], invited_by=request.user
            )
        except ValidationError as exc:
            form.add_error("email", exc)
            if getattr(exc, "code", None) == "throttled":
                status = 429
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("ecommune_families:family")
    return render(
        request,
        "ecommune_families/form.html",
        {"form": form, "title": _("Invite the other legal guardian")},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    require_commune(request)
    error = ""
    if request.method == "POST":
        try:
            households.accept_invitation(token, request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("You have joined the family space."))
            return redirect("ecommune_families:family")
    return render(request, "ecommune_families/accept.html", {"error": error})
