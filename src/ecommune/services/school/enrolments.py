"""School enrolments: recording what the wizard asked, the agent's decision, the enrolment
certificate and the lists per school and level."""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ecommune.requests.services import change_status
from ecommune.requests.statuses import Status
from ecommune.services.school import households
from ecommune.services.school.models import Child, Level, SchoolEnrolment


def _link_child(request, child: dict):
    """The household's child this enrolment is for, added to the applicant's household when
    new (so both guardians see it); None for an enrolment filed without an account."""
    if request.applicant_id is None:
        return None
    household = households.get_or_create_household(request.applicant, request.commune)
    found = household.children.filter(
        first_name__iexact=child["first_name"],
        last_name__iexact=child["last_name"],
        birth_date=child["birth_date"],
    ).first()
    if found is not None:
        if found.level != child["level"]:
            Child.unscoped.filter(pk=found.pk).update(level=child["level"])
        return found
    try:
        return households.add_child(
            household,
            first_name=child["first_name"],
            last_name=child["last_name"],
            birth_date=child["birth_date"],
            level=child["level"],
        )
    except ValidationError:
        return None


def record_enrolment(request, data: dict) -> SchoolEnrolment:
    from ecommune.services.school.enrolment_forms import SchoolChoice
    from ecommune.services.school.service import _address, _sector_school

    child, school, pieces = data["child"], data["school"], data["pieces"]
    sector = _sector_school(child)
    derogation = school.get("choice") == SchoolChoice.OTHER
    return SchoolEnrolment.unscoped.create(
        commune_id=request.commune_id,
        request=request,
        child=_link_child(request, child),
        child_first_name=child["first_name"],
        child_last_name=child["last_name"],
        child_birth_date=child["birth_date"],
        school_year=int(child["school_year"]),
        level=child["level"],
        address=_address(child),
        sector_school=sector,
        requested_school=school.get("requested_school") if derogation else None,
        derogation_reason=(school.get("reason") or "").strip() if derogation else "",
        sworn_statement=bool(pieces.get("sworn_statement")) and not pieces.get("proof_of_address"),
    )


@transaction.atomic
def accept(enrolment: SchoolEnrolment, *, school, actor):
    """Name the school; the family downloads the certificate from the request's page."""
    if school is None:
        raise ValidationError(_("Choose the school the child is enrolled in."))
    if enrolment.level not in school.levels:
        raise ValidationError(
            _("%(school)s has no %(level)s class.")
            % {"school": school, "level": enrolment.get_level_display()}
        )
    event = change_status(
        enrolment.request,
        Status.ACCEPTED,
        actor=actor,
        comment=_("Enrolled at %(school)s for %(year)s. Download the enrolment certificate.")
        % {"school": school, "year": enrolment.school_year_label},
    )
    enrolment.assigned_school = school
    enrolment.decided_at = timezone.now()
    enrolment.save(update_fields=["assigned_school", "decided_at"])
    return event


@transaction.atomic
def refuse(enrolment: SchoolEnrolment, *, reason: str, actor):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the refusal: the family reads it."))
    event = change_status(enrolment.request, Status.REJECTED, actor=actor, comment=reason)
    enrolment.decided_at = timezone.now()
    enrolment.save(update_fields=["decided_at"])
    return event


def certificate_pdf(enrolment: SchoolEnrolment) -> bytes:
    """The enrolment certificate (certificat d'inscription) the family gives the head of
    the school."""
    from weasyprint import HTML

    if enrolment.assigned_school_id is None:
        raise ValidationError(_("This enrolment has not been accepted."))
    html = render_to_string(
        "ecommune_school/certificate.html",
        {"enrolment": enrolment, "commune": enrolment.request.commune, "today": timezone.now()},
    )
    return HTML(string=html).write_pdf()


def accepted_enrolments(school_year: int, school=None):
    queryset = SchoolEnrolment.objects.filter(
        school_year=school_year, request__status__in=[Status.ACCEPTED, Status.DONE]
    ).select_related("assigned_school", "request")
    if school is not None:
        queryset = queryset.filter(assigned_school=school)
    order = {value: index for index, (value, _label) in enumerate(Level.choices)}
    return sorted(
        queryset,
        key=lambda e: (
            e.assigned_school.name,
            order.get(e.level, 99),
            e.child_last_name.lower(),
            e.child_first_name.lower(),
        ),
    )


def enrolments_csv(school_year: int, school=None) -> str:
    """The list per school and level, for the schools' heads (UTF-8 with BOM for Excel)."""
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output, delimiter=";")
    writer.writerow(
        [
            _("School"),
            _("Level"),
            _("Last name"),
            _("First name"),
            _("Date of birth"),
            _("Reference"),
            _("Legal guardian"),
            _("Email"),
        ]
    )
    for enrolment in accepted_enrolments(school_year, school):
        writer.writerow(
            [
                enrolment.assigned_school.name,
                enrolment.get_level_display(),
                enrolment.child_last_name,
                enrolment.child_first_name,
                enrolment.child_birth_date.strftime("%d/%m/%Y"),
                enrolment.request.reference,
                enrolment.request.applicant_name,
                enrolment.request.applicant_email,
            ]
        )
    return output.getvalue()
