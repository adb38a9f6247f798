"""School enrolments: recording what the wizard asked, the agent's decision, the enrolment
certificate and the lists per school and level."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ecommune.families import households
from ecommune.families.models import Child
from ecommune.requests.services import change_status
from ecommune.requests.statuses import Status
from ecommune.services.school.models import Level, SchoolEnrolment


def link_child(request) -> None:
    """Link the enrolment to the household's child, added to the applicant's household when
    new (so both guardians see it); nothing for an enrolment filed without an account."""
    if request.applicant_id is None:
        return
    enrolment = SchoolEnrolment.objects.for_commune(request.commune_id).get(request=request)
    household = households.get_or_create_household(request.applicant, request.commune)
    found = household.children.filter(
        first_name__iexact=enrolment.child_first_name,
        last_name__iexact=enrolment.child_last_name,
        birth_date=enrolment.child_birth_date,
    ).first()
    if found is not None:
        if found.level != enrolment.level:
            Child.objects.for_commune(found.commune_id).filter(pk=found.pk).update(
                level=enrolment.level
            )
    else:
        try:
            found = households.add_child(
                household,
                first_name=enrolment.child_first_name,
                last_name=enrolment.child_last_name,
                birth_date=enrolment.child_birth_date,
                level=enrolment.level,
            )
        except ValidationError:
            return
    enrolment.child = found
    enrolment.save(update_fields=["child"])


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


def enrolments_table(school_year: int, school=None) -> list[list[str]]:
    """The list per school and level, for the schools' heads: the rows of its CSV."""
    rows = [
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
    ]
    for enrolment in accepted_enrolments(school_year, school):
        rows.append(
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
    return rows
