"""The resident's answer page (Proposition 10) and the reply form of their request's page.

It opens with the signed link of the email (no sign-in needed, see ``answers``), or for
whoever may already see the request (its owner signed in, or a visitor who proved it in
this session). Anyone else gets a 404, as on the request's page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecommune.requests import answers, documents
from ecommune.requests.answer_forms import AnswerForm
from ecommune.requests.models import Request
from ecommune.requests.services import waiting_status
from ecommune.requests.views import remember, visible_requests
from ecommune.requests.workdays import subdivision_for_insee, working_days_between


def _find(request, reference):
    """The request if this visitor may answer it; a valid link lets this session see it."""
    token = request.POST.get("jeton") or request.GET.get("jeton") or ""
    filed = visible_requests(request).filter(reference=reference).first()
    if filed is None and token:
        candidate = Request.objects.filter(reference=reference).first()
        if candidate is not None and answers.token_matches(candidate, token):
            filed = candidate
            remember(request, filed.reference)
    if filed is None:
        raise Http404
    return filed


def delay_clock(filed) -> dict:
    """What the page says of the delay: suspended since when, how many working days so far."""
    waiting = waiting_status(filed.service_class()) == filed.status and filed.waiting_since
    if not waiting:
        return {"waiting": False, "suspended_days": filed.suspended_days}
    since = timezone.localdate(filed.waiting_since)
    return {
        "waiting": True,
        "since": since,
        "days_so_far": working_days_between(
            since, timezone.localdate(), subdivision_for_insee(filed.commune.insee_code)
        ),
        "suspended_days": filed.suspended_days,
    }


def missing_text(filed) -> str:
    """What the agent asked for: the comment of the move to « waiting for the resident »."""
    event = (
        filed.events.filter(kind="status", to_status=filed.status, visible_to_resident=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    return event.text if event is not None else ""


@require_http_methods(["GET", "POST"])
def answer(request, reference):
    filed = _find(request, reference)
    if filed.is_closed:
        return redirect("ecommune_requests:detail", reference=filed.reference)
    owner = request.user if request.user.is_authenticated else None
    form = AnswerForm(request.POST or None, request.FILES or None, owner=owner)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                kept = list(form.cleaned_data.get("reuse") or [])
                uploaded = form.cleaned_data.get("attachment")
                if uploaded:
                    kept.append(
                        documents.store_document(
                            uploaded=uploaded,
                            kind=form.cleaned_data.get("kind") or "other",
                            commune=filed.commune,
                            owner=owner,
                        )
                    )
                answers.resident_answer(
                    filed, text=form.cleaned_data.get("text", ""), documents=kept, user=owner
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your answer is sent: the town hall takes your request up again.")
            )
            return redirect("ecommune_requests:detail", reference=filed.reference)
    return render(
        request,
        "ecommune_requests/answer.html",
        {
            "filed": filed,
            "service": filed.service_class(),
            "form": form,
            "token": request.POST.get("jeton") or request.GET.get("jeton") or "",
            "clock": delay_clock(filed),
            "missing": missing_text(filed)
            if waiting_status(filed.service_class()) == filed.status
            else "",
        },
        status=400 if request.method == "POST" else 200,
    )
