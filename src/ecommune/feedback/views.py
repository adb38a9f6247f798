"""The survey page reached from the emailed link, and the public results."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ecommune.feedback import survey
from ecommune.feedback.forms import SurveyForm
from ecommune.feedback.models import SurveyAnswer


@require_http_methods(["GET", "POST"])
def answer(request, token):
    filed = survey.request_for_token(token)
    commune = getattr(request, "commune", None)
    if filed is None or commune is None or filed.commune_id != commune.pk:
        return render(request, "ecommune_feedback/link_invalid.html", status=404)
    context = {"filed": filed, "service": filed.service_class()}
    if SurveyAnswer.unscoped.filter(request=filed).exists():
        return render(request, "ecommune_feedback/thanks.html", {**context, "again": True})
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            survey.record(filed, **form.cleaned_data)
        except survey.AlreadyAnswered:
            return render(request, "ecommune_feedback/thanks.html", {**context, "again": True})
        return render(request, "ecommune_feedback/thanks.html", context)
    return render(request, "ecommune_feedback/answer.html", {**context, "form": form})


def results(request):
    """« Satisfaction des usagers »: the commune's figures per service (Proposition 21)."""
    commune = getattr(request, "commune", None)
    if commune is None:
        raise Http404
    figures = survey.results(commune, commune.services())
    return render(
        request,
        "ecommune_feedback/results.html",
        {**figures, "min_answers": survey.MIN_ANSWERS},
    )
