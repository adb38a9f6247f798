"""« Inscription scolaire »: enrolment in a public nursery or elementary school of the commune
(Code de l'éducation L131-5: the family enrols the child at the town hall, which names the
school from the school map; the head of the school then admits the child)."""

from django.utils.translation import gettext_lazy as _

from ecommune.core.registry import registry
from ecommune.core.services import PUBLIC_TASK, Processing, Service, Step


@registry.register
class SchoolEnrolmentService(Service):
    slug = "school"
    title = _("School enrolment")
    summary = _(
        "Enrol your child in the commune's nursery or elementary school; the school is "
        "named from your address."
    )
    processing_days = 15
    model = "ecommune_school.SchoolEnrolment"
    order = 40
    steps = (
        Step(
            "child",
            "ecommune.services.school.enrolment_forms.ChildStepForm",
            _("Your child and your address"),
        ),
        Step("school", "ecommune.services.school.enrolment_forms.SchoolStepForm", _("The school")),
        Step(
            "pieces", "ecommune.services.school.enrolment_forms.DocumentsStepForm", _("Documents")
        ),
    )
    propositions = (17,)
    # Its own desk screens in the back office (admin_views): no generic desk.
    has_own_desk = True
    who_can_ask = _("The child's parents or legal guardians living in the commune.")
    documents = _(
        "The child's identity, the responsible adults' identity and a proof of address; "
        "a sworn statement is accepted."
    )
    life_events = ("birth", "moving", "school")
    related_links = ((_("Estimate the monthly cost of the canteen"), "ecommune_school:simulator"),)
    processing = Processing(
        purpose=_("Enrolling children at the commune's schools."),
        legal_basis=PUBLIC_TASK,
        data=_(
            "Identity of the child and of the responsible adults, address and proof of "
            "address, school level."
        ),
        retention=_("Until the child leaves the commune's elementary schools."),
        recipients=_("The school service of the town hall and the school's head teacher"),
    )
    what_next = _(
        "An agent of the town hall checks the request and names the school. Once it is "
        "accepted, you download the enrolment certificate from your family space and give "
        "it to the head of the school, who admits your child."
    )

    @classmethod
    def shared_with(cls, user):
        """Every guardian of the child's household follows its school enrolment."""
        from django.db.models import Q

        from ecommune.services.school.models import SchoolEnrolment

        enrolments = SchoolEnrolment.objects.filter(child__household__guardians__user=user).values(
            "request_id"
        )
        return Q(service=cls.slug, pk__in=enrolments)

    @classmethod
    def summary_rows(cls, data):
        """The engine's rows, and the school of the sector the address gave."""
        rows = super().summary_rows(data)
        child = data.get("child") or {}
        if child:
            sector = child.get("sector_school")
            rows.append(
                (
                    _("School of your sector"),
                    str(sector)
                    if sector
                    else _("Not found from this address: the town hall will name the school."),
                )
            )
        return rows

    @classmethod
    def stored_data(cls, request):
        """The engine's answers, and the school of the sector saved with them (one read)."""
        row = cls.typed_row(request)
        if row is None:
            return {}
        data = cls.answers_of(row)
        data["child"]["sector_school"] = row.sector_school
        return data

    @classmethod
    def after_filing(cls, request, data):
        from ecommune.services.school.enrolments import link_child

        link_child(request)
