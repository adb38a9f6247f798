"""The school's part of the family space: the enrolments on « Ma famille » (a section of
``ecommune.families.space``) and the enrolment certificate under /famille/certificat/."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404

from ecommune.families.space import Section
from ecommune.families.views import household_of_request
from ecommune.services.school.models import SchoolEnrolment


def enrolments_of(request, household):
    """The school enrolments of the household's children, or filed by this account."""
    return (
        SchoolEnrolment.objects.filter(
            Q(child__household=household) | Q(request__applicant=request.user)
        )
        .select_related("request", "assigned_school")
        .order_by("-request__submitted_at")
    )


#: The enrolments, the way to enrol a child, the canteen and after-school care.
FAMILY_SECTION = Section(
    name="school",
    template="ecommune_school/family_section.html",
    order=10,
    context=lambda request, household: {"enrolments": enrolments_of(request, household)},
)


@login_required
def certificate(request, reference):
    """The enrolment certificate, for either legal guardian once the enrolment is accepted."""
    from ecommune.services.school.admin_views import certificate_response

    household = household_of_request(request)
    enrolment = enrolments_of(request, household).filter(request__reference=reference).first()
    if enrolment is None or enrolment.assigned_school_id is None:
        raise Http404
    return certificate_response(enrolment)
