"""The family space (« Ma famille »), mounted under /famille/: thin views over
``ecommune.services.school.households``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecommune.requests import documents
from ecommune.services.school import households
from ecommune.services.school.forms import AddressForm, ChildForm, InvitationForm, QuotientForm
from ecommune.services.school.models import Child, SchoolEnrolment


def _commune(request):
    commune = getattr(request, "commune", None)
    if commune is None:
        raise Http404
    return commune


def _household(request):
    return households.get_or_create_household(request.user, _commune(request))


@login_required
def family(request):
    household = _household(request)
    today = timezone.localdate()
    return render(
        request,
        "ecommune_school/family.html",
        {
            "household": household,
            "guardians": household.guardians.select_related("user"),
            "children": household.children.all(),
            "invitations": household.invitations.filter(
                accepted_at__isnull=True, expires_at__gt=timezone.now()
            ),
            "enrolments": _enrolments_of(request, household),
            "qf": household.qf_on(today),
            "qf_expired": household.quotient_familial is not None
            and household.qf_on(today) is None,
        },
    )


def _enrolments_of(request, household):
    """The school enrolments of the household's children, or filed by this account."""
    from django.db.models import Q

    return (
        SchoolEnrolment.objects.filter(
            Q(child__household=household) | Q(request__applicant=request.user)
        )
        .select_related("request", "assigned_school")
        .order_by("-request__submitted_at")
    )


@login_required
def certificate(request, reference):
    """The enrolment certificate, for either legal guardian once the enrolment is accepted."""
    from ecommune.services.school.admin_views import certificate_response

    household = _household(request)
    enrolment = _enrolments_of(request, household).filter(request__reference=reference).first()
    if enrolment is None or enrolment.assigned_school_id is None:
        raise Http404
    return certificate_response(enrolment)


@login_required
@require_http_methods(["GET", "POST"])
def address(request):
    household = _household(request)
    form = AddressForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your address has been saved."))
        return redirect("ecommune_school:family")
    return render(request, "ecommune_school/form.html", {"form": form, "title": _("Address")})


@login_required
@require_http_methods(["GET", "POST"])
def child(request, pk=None):
    household = _household(request)
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
            return redirect("ecommune_school:family")
    title = _("Edit a child") if instance else _("Add a child")
    return render(request, "ecommune_school/form.html", {"form": form, "title": title})


@login_required
@require_http_methods(["GET", "POST"])
def quotient(request):
    household = _household(request)
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
        return redirect("ecommune_school:family")
    return render(
        request,
        "ecommune_school/form.html",
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
    household = _household(request)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            households.invite_guardian(
                household, email=form.cleaned_data["email"], invited_by=request.user
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("ecommune_school:family")
    return render(
        request,
        "ecommune_school/form.html",
        {"form": form, "title": _("Invite the other legal guardian")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    _commune(request)
    error = ""
    if request.method == "POST":
        try:
            households.accept_invitation(token, request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("You have joined the family space."))
            return redirect("ecommune_school:family")
    return render(request, "ecommune_school/accept.html", {"error": error})
