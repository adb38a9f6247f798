"""« Demander un acte d'état civil »: copies and extracts of birth, marriage and death acts,
delivered free of charge by post (the report's Proposition 17, minimum bundle).

The rules (who may ask, which commune keeps the act) live in ``rules``; the wizard's
steps in ``forms``; the registry office's actions in ``actions``.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ecommune.core.registry import registry
from ecommune.core.services import Service

SLUG = "civil_status"


class Status:
    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    WAITING_RESIDENT = "waiting_resident"
    SENT = "done"
    # The engine closes a request on « rejected »: both refusals (act not found, applicant
    # not entitled) use it; ``CertificateRequest.outcome`` and the comment say which.
    NOT_DELIVERED = "rejected"
    CANCELLED = "cancelled"


@registry.register
class CivilStatusService(Service):
    slug = SLUG
    title = _("Civil-status certificate (birth, marriage, death)")
    summary = _(
        "Ask for a copy or an extract of a birth, marriage or death act; free, sent by post."
    )
    processing_days = 5
    order = 20
    propositions = (17,)
    statuses = (
        (Status.SUBMITTED, _("Received")),
        (Status.IN_PROGRESS, _("Being looked up in the registers")),
        (Status.WAITING_RESIDENT, _("Waiting for you")),
        (Status.SENT, _("Sent by post")),
        (Status.NOT_DELIVERED, _("Not delivered")),
        (Status.CANCELLED, _("Cancelled")),
    )
    transitions = {
        Status.SUBMITTED: (
            Status.IN_PROGRESS,
            Status.WAITING_RESIDENT,
            Status.SENT,
            Status.NOT_DELIVERED,
            Status.CANCELLED,
        ),
        Status.IN_PROGRESS: (
            Status.WAITING_RESIDENT,
            Status.SENT,
            Status.NOT_DELIVERED,
            Status.CANCELLED,
        ),
        Status.WAITING_RESIDENT: (Status.IN_PROGRESS, Status.NOT_DELIVERED, Status.CANCELLED),
        Status.SENT: (),
        Status.NOT_DELIVERED: (),
        Status.CANCELLED: (),
    }
    what_next = _(
        "The registry office looks up the act in its registers and sends it to you by post, "
        "free of charge. If the act cannot be delivered, you are told why by email."
    )

    @classmethod
    def form_steps(cls):
        from ecommune.services.civil_status.forms import CertificateForm, DeliveryForm

        return [("certificate", CertificateForm), ("delivery", DeliveryForm)]

    @classmethod
    def step_title(cls, step):
        return {
            "certificate": _("The act you need"),
            "delivery": _("Delivery by post"),
        }.get(step, step)

    @classmethod
    def summary_rows(cls, data):
        from ecommune.services.civil_status.rules import ActType, DocumentType, Place, Relation

        act = data.get("certificate") or {}
        delivery = data.get("delivery") or {}
        rows = [
            (_("Act"), dict(ActType.choices).get(act.get("act_type"), "")),
            (_("Document"), dict(DocumentType.choices).get(act.get("document"), "")),
            (_("Place of the event"), dict(Place.choices).get(act.get("place"), "")),
            (
                _("Person named in the act"),
                f"{act.get('last_name', '')} {act.get('first_names', '')}",
            ),
            (_("Date of the event"), _date(act.get("event_date"))),
            (_("Relation"), dict(Relation.choices).get(act.get("relation"), "")),
        ]
        if act.get("professional_reference"):
            rows.append((_("Professional"), act["professional_reference"]))
        if act.get("emancipated"):
            rows.append((_("Emancipated minor"), _("Declared, to be checked")))
        if act.get("spouse_last_name"):
            rows.append(
                (
                    _("Other spouse"),
                    f"{act['spouse_last_name']} {act.get('spouse_first_names', '')}",
                )
            )
        for label, name in (
            (_("First parent"), "parent1_name"),
            (_("Second parent"), "parent2_name"),
        ):
            if act.get(name):
                rows.append((label, act[name]))
        if act.get("death_date"):
            rows.append((_("Date of death"), _date(act["death_date"])))
        if delivery:
            rows += [
                (_("Copies"), str(delivery.get("copies", ""))),
                (
                    _("Delivery address"),
                    "\n".join(
                        part
                        for part in (
                            delivery.get("recipient", ""),
                            delivery.get("street_address", ""),
                            f"{delivery.get('postal_code', '')} {delivery.get('city', '')}",
                            delivery.get("country", ""),
                        )
                        if part.strip()
                    ),
                ),
                (_("Price"), _("Free of charge")),
            ]
            if delivery.get("reason"):
                rows.append((_("Reason"), delivery["reason"]))
        return rows

    @classmethod
    def stored_data(cls, request) -> dict:
        certificate = getattr(request, "certificate", None)
        if certificate is None:
            return {}
        return {
            "certificate": {
                name: getattr(certificate, name)
                for name in (
                    "act_type",
                    "document",
                    "place",
                    "relation",
                    "last_name",
                    "first_names",
                    "event_date",
                    "death_date",
                    "spouse_last_name",
                    "spouse_first_names",
                    "parent1_name",
                    "parent2_name",
                )
            },
            "delivery": {
                name: getattr(certificate, name)
                for name in (
                    "copies",
                    "reason",
                    "recipient",
                    "street_address",
                    "postal_code",
                    "city",
                    "country",
                )
            },
        }

    @classmethod
    def save(cls, request, data):
        from ecommune.services.civil_status import rules
        from ecommune.services.civil_status.models import CertificateRequest

        act, delivery = data["certificate"], data["delivery"]
        certificate = CertificateRequest.unscoped.create(
            commune_id=request.commune_id,
            request=request,
            act_type=act["act_type"],
            document=act["document"],
            place=act["place"],
            relation=act["relation"],
            last_name=act["last_name"].strip(),
            first_names=act["first_names"].strip(),
            event_date=act["event_date"],
            death_date=act.get("death_date"),
            spouse_last_name=act.get("spouse_last_name", ""),
            spouse_first_names=act.get("spouse_first_names", ""),
            parent1_name=act.get("parent1_name", ""),
            parent2_name=act.get("parent2_name", ""),
            copies=delivery["copies"],
            reason=delivery.get("reason", ""),
            recipient=delivery["recipient"],
            street_address=delivery["street_address"],
            postal_code=delivery["postal_code"].strip(),
            city=delivery["city"],
            country=delivery.get("country") or "France",
        )
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
        _offer_electoral_registration(request, certificate)


def _note(request, text: str) -> None:
    """An internal note on the request's history, for the agent to check a declaration."""
    from ecommune.requests.models import EventKind, RequestEvent

    RequestEvent.unscoped.create(
        commune_id=request.commune_id,
        request=request,
        kind=EventKind.NOTE,
        text=text,
        visible_to_resident=False,
    )


def _date(value) -> str:
    return date_format(value, "j F Y") if value else ""


def _offer_electoral_registration(request, certificate) -> None:
    """An address in this commune on a request may mean the resident moved here: the
    electoral-roll service offers registration (P18), if this install has it."""
    from django.apps import apps

    if request.applicant_id is None or not apps.is_installed("ecommune.services.elections"):
        return
    from ecommune.services.elections.offers import address_seen

    address_seen(
        request.applicant,
        street_address=certificate.street_address,
        postal_code=certificate.postal_code,
        city=certificate.city,
        commune=request.commune,
    )
