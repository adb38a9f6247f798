"""« Inscription scolaire »: enrolment in a public nursery or elementary school of the commune
(Code de l'éducation L131-5: the family enrols the child at the town hall, which names the
school from the school map; the head of the school then admits the child)."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ecommune.core.registry import registry
from ecommune.core.services import Service


def _sector_school(child: dict):
    from ecommune.services.school.sectorisation import find_school

    if not child.get("street_name"):
        return None
    return find_school(child["street_name"], child.get("street_number", ""), child.get("level", ""))


def _address(child: dict) -> str:
    return " ".join(
        str(child.get(name) or "")
        for name in ("street_number", "street_name", "postal_code", "city")
        if child.get(name)
    )


@registry.register
class SchoolEnrolmentService(Service):
    slug = "school"
    title = _("School enrolment")
    summary = _(
        "Enrol your child in the commune's nursery or elementary school; the school is "
        "named from your address."
    )
    processing_days = 15
    order = 40
    propositions = (17,)
    what_next = _(
        "An agent of the town hall checks the request and names the school. Once it is "
        "accepted, you download the enrolment certificate from your family space and give "
        "it to the head of the school, who admits your child."
    )

    @classmethod
    def form_steps(cls):
        from ecommune.services.school.enrolment_forms import (
            ChildStepForm,
            DocumentsStepForm,
            SchoolStepForm,
        )

        return [("child", ChildStepForm), ("school", SchoolStepForm), ("pieces", DocumentsStepForm)]

    @classmethod
    def shared_with(cls, user):
        """Every guardian of the child's household follows its school enrolment."""
        from django.db.models import Q

        from ecommune.services.school.models import SchoolEnrolment

        enrolments = SchoolEnrolment.unscoped.filter(child__household__guardians__user=user).values(
            "request_id"
        )
        return Q(service=cls.slug, pk__in=enrolments)

    @classmethod
    def step_title(cls, step):
        return {
            "child": _("Your child and your address"),
            "school": _("The school"),
            "pieces": _("Documents"),
        }.get(step, step)

    @classmethod
    def summary_rows(cls, data):
        from ecommune.services.school.enrolment_forms import SchoolChoice
        from ecommune.services.school.models import Level

        child = data.get("child") or {}
        school = data.get("school") or {}
        pieces = data.get("pieces") or {}
        rows = []
        if child:
            sector = _sector_school(child)
            rows += [
                (_("Child"), f"{child.get('first_name', '')} {child.get('last_name', '')}"),
                (
                    _("Date of birth"),
                    date_format(child["birth_date"], "j F Y") if child.get("birth_date") else "",
                ),
                (
                    _("School year"),
                    f"{child['school_year']}-{int(child['school_year']) + 1}"
                    if child.get("school_year")
                    else "",
                ),
                (_("Level"), dict(Level.choices).get(child.get("level"), "")),
                (_("Address"), _address(child)),
                (
                    _("School of your sector"),
                    str(sector)
                    if sector
                    else _("Not found from this address: the town hall will name the school."),
                ),
            ]
        if school.get("choice") == SchoolChoice.OTHER and school.get("requested_school"):
            rows += [
                (_("School asked for (derogation)"), str(school["requested_school"])),
                (_("Reason for the derogation"), school.get("reason", "")),
            ]
        if pieces:
            rows.append(
                (
                    _("Proof of domicile"),
                    _("Sworn statement")
                    if pieces.get("sworn_statement") and not pieces.get("proof_of_address")
                    else _("Document attached"),
                )
            )
        return rows

    @classmethod
    def stored_data(cls, request):
        from ecommune.services.school.enrolment_forms import SchoolChoice
        from ecommune.services.school.models import SchoolEnrolment

        enrolment = (
            SchoolEnrolment.unscoped.filter(request=request)
            .select_related("requested_school", "sector_school")
            .first()
        )
        if enrolment is None:
            return {}
        return {
            "child": {
                "first_name": enrolment.child_first_name,
                "last_name": enrolment.child_last_name,
                "birth_date": enrolment.child_birth_date,
                "school_year": enrolment.school_year,
                "level": enrolment.level,
                "street_name": enrolment.address,
            },
            "school": {
                "choice": SchoolChoice.OTHER if enrolment.is_derogation else SchoolChoice.SECTOR,
                "requested_school": enrolment.requested_school,
                "reason": enrolment.derogation_reason,
            },
            "pieces": {"sworn_statement": enrolment.sworn_statement},
        }

    @classmethod
    def save(cls, request, data):
        from ecommune.services.school.enrolments import record_enrolment

        record_enrolment(request, data)
