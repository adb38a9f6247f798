"""The survey page reached from the emailed link, and the public results."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ecommune.core.tenancy import require_commune
from ecommune.feedback import survey
from ecommune.feedback.forms import SurveyForm


def _about(subject) -> dict:
    """What the pages show above the questions: the service or motive and the reference."""
    if survey.is_booking(subject):
        return {"appointment": True, "title": subject.motive.name, "reference": subject.reference}
    return {"title": subject.service_class().title, "reference": subject.reference}


@require_http_methods(["GET", "POST"])
def answer(request, token):
    subject = survey.subject_for_token(token)
    commune = getattr(request, "commune", None)
    if subject is None or commune is None or subject.commune_id != commune.pk:
        return render(request, "ecommune_feedback/link_invalid.html", status=404)
    context = _about(subject)
    if survey.answered(subject):
        return render(request, "ecommune_feedback/thanks.html", {**context, "again": True})
    form = SurveyForm(
        request.POST if request.method == "POST" else None,
        appointment=context.get("appointment", False),
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey.record(subject, **form.cleaned_data)
        except survey.AlreadyAnswered:
            return render(request, "ecommune_feedback/thanks.html", {**context, "again": True})
        return render(request, "ecommune_feedback/thanks.html", context)
    return render(request, "ecommune_feedback/answer.html", {**context, "form": form})


def results(request):
    """« Satisfaction des usagers »: the commune's figures per service, appointments
    included (Proposition 21)."""
    commune = require_commune(request)
    figures = survey.results(commune, survey.surveyed_services(commune))
    return render(
        request,
        "ecommune_feedback/results.html",
        {**figures, "min_answers": survey.MIN_ANSWERS},
    )
