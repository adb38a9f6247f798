"""« S'inscrire sur les listes électorales »: registration on the commune's electoral roll
(the report's Proposition 17, minimum bundle; Proposition 18 for the offer made ahead of the
resident in ``offers``). Rules: Code électoral L11 (attachment), L17 and L30 (deadlines),
L18 (the mayor decides within 5 days); dates in ``deadlines``, counting in ``eligibility``.
"""

from django.utils.translation import gettext_lazy as _

from ecommune.core.registry import registry
from ecommune.core.services import LEGAL_OBLIGATION, DeskAction, Processing, Service, Step
from ecommune.services.elections.eligibility import Counting

SLUG = "elections"


class Status:
    SUBMITTED = "submitted"
    IN_REU = "in_progress"
    WAITING_RESIDENT = "waiting_resident"
    REGISTERED = "done"
    REFUSED = "rejected"
    CANCELLED = "cancelled"


OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REU, Status.WAITING_RESIDENT)


@registry.register
class ElectionsService(Service):
    slug = SLUG
    title = _("Register on the electoral roll")
    summary = _("Register to vote in the commune; the mayor decides within 5 days.")
    # L18: the mayor decides within 5 days of the filing.
    processing_days = 5
    order = 30
    steps = (
        Step(
            "voter", "ecommune.services.elections.forms.VoterForm", _("The voter and the elections")
        ),
        Step(
            "attachment",
            "ecommune.services.elections.forms.AttachmentForm",
            _("Your link with the commune"),
        ),
    )
    model = "ecommune_elections.Registration"
    propositions = (17, 18)
    # Its own desk screens in the back office (admin_views): no generic desk.
    has_own_desk = True
    who_can_ask = _(
        "French citizens aged 18 or more with a link to the commune (home, 6 months' "
        "residence or local taxes); European Union citizens for municipal and European "
        "elections."
    )
    documents = _("A proof of identity and a proof of address of less than 3 months.")
    servicepublic_fiches = ("F1367", "F1372")
    life_events = ("moving", "elections")
    processing = Processing(
        purpose=_("Registering voters on the commune's electoral roll."),
        legal_basis=LEGAL_OBLIGATION,
        data=_(
            "Identity, birth date and place, nationality, address, proof of identity and of "
            "attachment to the commune."
        ),
        retention=_("Until the decision is final, then as the Electoral Code requires."),
        recipients=_("The mayor, the election service, INSEE (single electoral register)"),
    )
    closed_statuses = frozenset({Status.REGISTERED, Status.REFUSED, Status.CANCELLED})
    statuses = (
        (Status.SUBMITTED, _("Received")),
        (Status.IN_REU, _("Being entered in the national electoral register (REU)")),
        (Status.WAITING_RESIDENT, _("Waiting for you")),
        (Status.REGISTERED, _("Registered")),
        (Status.REFUSED, _("Refused")),
        (Status.CANCELLED, _("Cancelled")),
    )
    transitions = {
        Status.SUBMITTED: (
            Status.IN_REU,
            Status.WAITING_RESIDENT,
            Status.REFUSED,
            Status.CANCELLED,
        ),
        Status.IN_REU: (Status.REGISTERED, Status.REFUSED, Status.WAITING_RESIDENT),
        Status.WAITING_RESIDENT: (
            Status.SUBMITTED,
            Status.IN_REU,
            Status.REFUSED,
            Status.CANCELLED,
        ),
        Status.REGISTERED: (),
        Status.REFUSED: (),
        Status.CANCELLED: (),
    }
    what_next = _(
        "The mayor decides on your registration within 5 days and the town hall enters it in "
        "the national electoral register; you are told by email. Your voter card is then sent "
        "to you by post."
    )
    desk_actions = (
        DeskAction(
            "reu",
            _("Accept: being entered in the national electoral register (REU)"),
            to_status=Status.IN_REU,
            statuses=(Status.SUBMITTED, Status.WAITING_RESIDENT),
            comment=_("Your request is accepted and is being entered in the national register."),
        ),
        DeskAction(
            "registered",
            _("Registered in the REU"),
            to_status=Status.REGISTERED,
            statuses=(Status.IN_REU,),
            comment=_("You are registered on the electoral roll. Your voter card is sent by post."),
        ),
        DeskAction(
            "refuse",
            _("Refuse"),
            perform="ecommune.services.elections.actions.keep_refusal_reason",
            to_status=Status.REFUSED,
            needs_reason=True,
            reason_label=_("Reason for refusal, sent to the applicant"),
            # L18: the decision tells the remedy.
            comment=_(
                "The mayor refused your registration: %(reason)s You may contest this decision "
                "before the control commission (commission de contrôle) within 5 days of its "
                "notification (Code électoral, L18)."
            ),
        ),
    )

    @classmethod
    def describe(cls) -> str:
        """The catalogue's text, with the next deadline in full (L17)."""
        from ecommune.core.tenancy import get_current_commune
        from ecommune.services.elections.forms import upcoming_context

        if get_current_commune() is None:
            return str(cls.summary)  # no commune: no election of its own to announce
        next_open = upcoming_context()["next_open"]
        if next_open is None:
            return str(cls.summary)
        return str(
            _("To vote in the %(name)s, register at the latest on %(date)s.")
            % {
                "name": next_open["election"].name,
                "date": next_open["deadline_text"],
            }
        )

    @classmethod
    def summary_rows(cls, data):
        """The forms' answers, and after the voter's the election the request counts for."""
        voter = data.get("voter") or {}
        rows = super().summary_rows({"voter": voter})
        if voter:
            rows.append((_("Counts for"), Counting.text_of(voter.get("counting"))))
        return rows + super().summary_rows({"attachment": data.get("attachment") or {}})

    @classmethod
    def stored_data(cls, request) -> dict:
        """The engine's, with the counting the registration was saved with."""
        data = super().stored_data(request)
        if data:
            data["voter"]["counting"] = request.registration.counting
        return data
