"""Walking a service's wizard with Django's test client, as a resident's browser does.

``walk_wizard(client, "contact", {"message": {...}})`` opens the service's address, answers
each step the wizard sends the browser to (who asks, the service's own steps in the order
and under the conditions it declares, the summary), follows it to the acknowledgment and
returns the page and the request filed. ``post_step`` sends one step, for tests of a step's
errors; ``errors_of`` reads the errors shown next to the fields::

    from ecommune.testing.wizard import errors_of, pdf_upload, post_step, walk_wizard

    run = walk_wizard(client, "voirie", {"occupation": OCCUPATION},
                      files={"occupation": {"plan": pdf_upload("plan.pdf")}})
    assert run.filed.status == "submitted"

    page = post_step(client, "voirie", "occupation", {**OCCUPATION, "surface": "0"})
    assert "supérieure" in errors_of(page)
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from ecommune.requests.views import APPLICANT_STEP, CONFIRM_STEP, DONE_STEP, wizard_prefix

#: A small file every check takes for a PDF (its content says so, whatever its name).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 200

#: The « who is asking » step's answers of a resident filing for themselves.
APPLICANT = {
    "first_name": "Camille",
    "last_name": "Martin",
    "email": "camille@example.org",
}

#: The summary's answer: the applicant certifies what they gave.
CONFIRM = {"certify": "on"}


def pdf_upload(name: str = "piece.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    """A PDF as a browser uploads it."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def wizard_url(slug: str, step: str | None = None) -> str:
    """The address of a service's wizard, or of one of its steps."""
    if step is None:
        return reverse("ecommune_requests:wizard", kwargs={"slug": slug})
    return reverse("ecommune_requests:wizard_step", kwargs={"slug": slug, "step": step})


def step_payload(slug: str, step: str, data: dict | None = None, files: dict | None = None):
    """The fields a browser posts for ``step``: its management field and its answers,
    each under the step's prefix."""
    payload = {f"{wizard_prefix(slug)}-current_step": step}
    payload.update({f"{step}-{key}": value for key, value in (data or {}).items()})
    payload.update({f"{step}-{key}": value for key, value in (files or {}).items()})
    return payload


def post_step(client, slug: str, step: str, data: dict | None = None, files=None, **extra):
    """Send one step of the service's wizard; the response is a redirect to the next step
    when the answers are valid, the step again with its errors otherwise."""
    return client.post(wizard_url(slug, step), step_payload(slug, step, data, files), **extra)


def errors_of(response) -> str:
    """The text of the errors shown next to the fields of the step in ``response``."""
    form = response.context["form"]
    return " ".join(str(error) for error in form.errors.values())


@dataclass
class WizardRun:
    """What walking a wizard gave: the last page, the request filed (None when the walk
    stopped before, on a page that is not a step: the sign-in page of a service for
    signed-in residents, say) and the steps answered, in order."""

    response: object
    filed: object = None
    steps: list[str] = field(default_factory=list)


def walk_wizard(
    client,
    slug: str,
    answers: dict[str, dict] | None = None,
    *,
    files: dict[str, dict] | None = None,
    applicant: dict | None = None,
    **extra,
) -> WizardRun:
    """Open the wizard of ``slug`` and answer every step it shows, following its
    redirects: ``applicant`` for « who is asking » (``APPLICANT`` by default), ``answers``
    and ``files`` by step for the service's own, ``CONFIRM`` for the summary (give
    ``answers["confirm"]`` to change it). A step shown again with errors fails the test
    with the step's name and its French messages."""
    from ecommune.requests.models import Request

    answers = {APPLICANT_STEP: applicant or APPLICANT, CONFIRM_STEP: CONFIRM, **(answers or {})}
    run = WizardRun(client.get(wizard_url(slug), **extra))
    while run.response.status_code == 302:
        location = run.response["Location"]
        found = resolve(urlsplit(location).path)
        if found.url_name == "acknowledgment":
            run.response = client.get(location, **extra)
            commune = run.response.wsgi_request.commune
            run.filed = Request.objects.for_commune(commune).get(
                reference=found.kwargs["reference"]
            )
            break
        step = found.kwargs.get("step")
        if found.url_name != "wizard_step" or step == DONE_STEP:
            run.response = client.get(location, **extra)
            continue
        if step in run.steps:
            raise AssertionError(f"The wizard of {slug!r} came back to the step {step!r}.")
        run.response = post_step(
            client, slug, step, answers.get(step), (files or {}).get(step), **extra
        )
        run.steps.append(step)
        context = run.response.context
        if (
            run.response.status_code == 200
            and context is not None
            and context.get("form") is not None
        ):
            raise AssertionError(
                f"The step {step!r} of {slug!r} was refused: {errors_of(run.response)}"
            )
    return run
