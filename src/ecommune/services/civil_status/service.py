"""« Demander un acte d'état civil »: copies and extracts of birth, marriage and death acts,
delivered free of charge by post (the report's Proposition 17, minimum bundle).

The rules (who may ask, which commune keeps the act) live in ``rules``; the wizard's
steps in ``forms``, ModelForms of ``CertificateRequest`` (the engine saves and shows their
answers); the registry office's actions in ``actions``, offered as ``desk_actions``.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.core.registry import registry
from ecommune.core.services import LEGAL_OBLIGATION, DeskAction, Processing, Service, Step
from ecommune.services.civil_status import rules

SLUG = "civil_status"


class Status:
    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    WAITING_RESIDENT = "waiting_resident"
    SENT = "done"
    # Both refusals (act not found, applicant not entitled) close as « rejected », the
    # value stored since the start; ``CertificateRequest.outcome`` and the comment say which.
    NOT_DELIVERED = "rejected"
    CANCELLED = "cancelled"


OPEN = (Status.SUBMITTED, Status.IN_PROGRESS, Status.WAITING_RESIDENT)
CLOSED = (Status.SENT, Status.NOT_DELIVERED, Status.CANCELLED)


@registry.register
class CivilStatusService(Service):
    slug = SLUG
    title = _("Civil-status certificate (birth, marriage, death)")
    summary = _(
        "Ask for a copy or an extract of a birth, marriage or death act; free, sent by post."
    )
    processing_days = 5
    order = 20
    steps = (
        Step(
            "certificate",
            "ecommune.services.civil_status.forms.CertificateForm",
            _("The act you need"),
        ),
        Step(
            "delivery", "ecommune.services.civil_status.forms.DeliveryForm", _("Delivery by post")
        ),
    )
    model = "ecommune_civil_status.CertificateRequest"
    propositions = (17,)
    # Its own desk screens in the back office (admin_views): no generic desk.
    has_own_desk = True
    who_can_ask = _(
        "For a full copy or an extract with parentage: the person named in the act, "
        "their ascendants, descendants, spouse, legal representative or a holder of their "
        "written mandate. For an extract without parentage or a death act: anyone."
    )
    documents = _(
        "No document: give the names, date and place of the event and the parents' names."
    )
    servicepublic_fiches = ("F1427",)
    life_events = ("birth", "marriage", "death")
    processing = Processing(
        purpose=_("Delivering copies and extracts of civil-status acts."),
        legal_basis=LEGAL_OBLIGATION,
        data=_(
            "Identity and address of the applicant, the act asked for, the applicant's link "
            "with the person named in the act."
        ),
        retention=_("1 year after the act is sent."),
        recipients=_("The civil-status officers of the town hall"),
    )
    closed_statuses = frozenset(CLOSED)
    statuses = (
        (Status.SUBMITTED, _("Received")),
        (Status.IN_PROGRESS, _("Being looked up in the registers")),
        (Status.WAITING_RESIDENT, _("Waiting for you")),
        (Status.SENT, _("Sent by post")),
        (Status.NOT_DELIVERED, _("Not delivered")),
        (Status.CANCELLED, _("Cancelled")),
    )
    transitions = {
        Status.SUBMITTED: (Status.IN_PROGRESS, Status.WAITING_RESIDENT, *CLOSED),
        Status.IN_PROGRESS: (Status.WAITING_RESIDENT, *CLOSED),
        Status.WAITING_RESIDENT: (Status.IN_PROGRESS, Status.NOT_DELIVERED, Status.CANCELLED),
        **dict.fromkeys(CLOSED, ()),
    }
    desk_actions = (
        DeskAction(
            "start",
            _("Start looking the act up"),
            to_status=Status.IN_PROGRESS,
            statuses=(Status.SUBMITTED, Status.WAITING_RESIDENT),
        ),
        # These three word the resident's comment themselves (the date, « not found: … »)
        # and record the outcome: their ``perform`` moves the status.
        DeskAction(
            "sent",
            _("Sent by post"),
            perform="ecommune.services.civil_status.actions.sent",
            form="ecommune.services.civil_status.forms.SentForm",
            statuses=(Status.SUBMITTED, Status.IN_PROGRESS),
        ),
        DeskAction(
            "not_found",
            _("Act not found in our registers"),
            perform="ecommune.services.civil_status.actions.not_found",
            statuses=OPEN,
            needs_reason=True,
        ),
        DeskAction(
            "not_entitled",
            _("Applicant not entitled"),
            perform="ecommune.services.civil_status.actions.not_entitled",
            statuses=OPEN,
            needs_reason=True,
        ),
    )
    what_next = _(
        "The registry office looks up the act in its registers and sends it to you by post, "
        "free of charge. If the act cannot be delivered, you are told why by email."
    )

    @classmethod
    def summary_rows(cls, data):
        """Every answer as its form labels it (the engine's), and the price, which no form
        asks."""
        rows = super().summary_rows(data)
        if data.get("delivery"):
            rows.append((_("Price"), _("Free of charge")))
        return rows

    @classmethod
    def after_filing(cls, request, data):
        """Notes for the agent on what the applicant declared, and the electoral-roll offer
        on an address here."""
        act, delivery = data.get("certificate") or {}, data.get("delivery") or {}
        if act.get("professional_reference"):
            # The agent checks the professional's claim: keep it on the request's history.
            _note(
                request,
                str(_("Professional declared: %(ref)s")) % {"ref": act["professional_reference"]},
            )
        if act.get("emancipated") and rules.minor_needs_representative(
            act["act_type"],
            act["document"],
            act["relation"],
            act["event_date"],
            timezone.localdate(),
        ):
            # Only a declaration: the registry office checks the emancipation before sending.
            _note(request, str(_("The applicant declares being an emancipated minor: check it.")))
        if delivery:
            _offer_electoral_registration(request, delivery)


def _note(request, text: str) -> None:
    """An internal note on the request's history, for the agent to check a declaration."""
    from ecommune.requests.models import EventKind, RequestEvent

    RequestEvent.objects.create(
        commune_id=request.commune_id,
        request=request,
        kind=EventKind.NOTE,
        text=text,
        visible_to_resident=False,
    )


def _offer_electoral_registration(request, delivery: dict) -> None:
    """An address in this commune on a request may mean the resident moved here: the
    electoral-roll service offers registration (P18), if this install has it."""
    from django.apps import apps

    if request.applicant_id is None or not apps.is_installed("ecommune.services.elections"):
        return
    from ecommune.services.elections.offers import address_seen

    address_seen(
        request.applicant,
        street_address=delivery["street_address"],
        postal_code=delivery["postal_code"],
        city=delivery["city"],
        commune=request.commune,
    )
