"""« S'inscrire sur les listes électorales »: registration on the commune's electoral roll
(the report's Proposition 17, minimum bundle; Proposition 18 for the offer made ahead of the
resident in ``offers``). Rules: Code électoral L11 (attachment), L17 and L30 (deadlines),
L18 (the mayor decides within 5 days); dates in ``deadlines``, counting in ``eligibility``.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ecommune.core.registry import registry
from ecommune.core.services import Service

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
    propositions = (17, 18)
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
    def form_steps(cls):
        from ecommune.services.elections.forms import AttachmentForm, VoterForm

        return [("voter", VoterForm), ("attachment", AttachmentForm)]

    @classmethod
    def step_title(cls, step):
        return {
            "voter": _("The voter and the elections"),
            "attachment": _("Your link with the commune"),
        }.get(step, step)

    @classmethod
    def summary_rows(cls, data):
        from ecommune.services.elections.eu import EU_COUNTRIES
        from ecommune.services.elections.models import (
            Ground,
            IdentityKind,
            LateException,
            Lists,
            Nationality,
            Sex,
        )

        voter = data.get("voter") or {}
        attachment = data.get("attachment") or {}
        nationality = dict(Nationality.choices).get(voter.get("nationality"), "")
        if voter.get("eu_country"):
            nationality = f"{nationality} ({dict(EU_COUNTRIES).get(voter['eu_country'], '')})"
        names = voter.get("birth_last_name", "")
        if voter.get("usage_name"):
            names = str(_("%(birth)s, usage name %(usage)s")) % {
                "birth": names,
                "usage": voter["usage_name"],
            }
        rows = [
            (_("Nationality"), nationality),
            (_("Lists"), dict(Lists.choices).get(voter.get("lists"), "")),
            (_("Last name"), names),
            (_("First names"), voter.get("first_names", "")),
            (_("Sex"), dict(Sex.choices).get(voter.get("sex"), "")),
            (
                _("Born"),
                f"{_date(voter.get('birth_date'))}, {voter.get('birth_place', '')} "
                f"({voter.get('birth_area', '')})",
            ),
        ]
        if voter.get("previous_commune"):
            rows.append((_("Previously registered in"), voter["previous_commune"]))
        if voter.get("late_exception"):
            rows.append(
                (
                    _("Exception after the deadline"),
                    dict(LateException.choices).get(voter["late_exception"], ""),
                )
            )
        rows.append((_("Counts for"), counting_text(voter.get("counting"))))
        if attachment:
            rows += [
                (
                    _("Link with the commune"),
                    dict(Ground.choices).get(attachment.get("ground"), ""),
                ),
                (
                    _("Address"),
                    f"{attachment.get('street_address', '')}\n"
                    f"{attachment.get('postal_code', '')} {attachment.get('city', '')}",
                ),
                (
                    _("Proof of identity"),
                    str(_("%(kind)s, valid until %(date)s"))
                    % {
                        "kind": dict(IdentityKind.choices).get(attachment.get("identity_kind"), ""),
                        "date": _date(attachment.get("identity_expires_on")),
                    },
                ),
            ]
            if attachment.get("proof_dated"):
                rows.append((_("Proof of attachment dated"), _date(attachment["proof_dated"])))
        return rows

    @classmethod
    def stored_data(cls, request) -> dict:
        from ecommune.services.elections.eligibility import Counting

        registration = getattr(request, "registration", None)
        if registration is None:
            return {}
        voter = {
            name: getattr(registration, name)
            for name in (
                "nationality",
                "eu_country",
                "lists",
                "sex",
                "birth_last_name",
                "usage_name",
                "first_names",
                "birth_date",
                "birth_place",
                "birth_area",
                "previous_commune",
                "late_exception",
            )
        }
        voter["counting"] = Counting(
            election=registration.election,
            late=bool(registration.late_exception) and registration.election is not None,
            second_round_only=registration.second_round_only,
        )
        attachment = {
            name: getattr(registration, name)
            for name in (
                "ground",
                "street_address",
                "postal_code",
                "city",
                "identity_kind",
                "identity_expires_on",
                "proof_dated",
            )
        }
        return {"voter": voter, "attachment": attachment}

    @classmethod
    def save(cls, request, data):
        from ecommune.services.elections.models import Registration

        voter, attachment = data["voter"], data["attachment"]
        counting = voter.get("counting")
        Registration.unscoped.create(
            commune_id=request.commune_id,
            request=request,
            nationality=voter["nationality"],
            eu_country=voter.get("eu_country", ""),
            lists=voter["lists"],
            sex=voter["sex"],
            birth_last_name=voter["birth_last_name"].strip(),
            usage_name=voter.get("usage_name", "").strip(),
            first_names=voter["first_names"].strip(),
            birth_date=voter["birth_date"],
            birth_place=voter["birth_place"],
            birth_area=voter["birth_area"],
            previous_commune=voter.get("previous_commune", ""),
            late_exception=voter.get("late_exception", "") if counting and counting.late else "",
            election=counting.election if counting else None,
            second_round_only=bool(counting and counting.second_round_only),
            ground=attachment["ground"],
            street_address=attachment["street_address"],
            postal_code=attachment["postal_code"],
            city=attachment["city"],
            identity_kind=attachment["identity_kind"],
            identity_expires_on=attachment["identity_expires_on"],
            proof_dated=attachment.get("proof_dated"),
        )


def _date(value) -> str:
    return date_format(value, "j F Y") if value else ""


def counting_text(counting) -> str:
    """Which election the request counts for, in a sentence for the resident and the agent."""
    if counting is None or counting.election is None:
        if counting is not None and counting.missed:
            return str(
                _(
                    "The deadline for the %(name)s has passed: your registration will count "
                    "for the following elections."
                )
                % {"name": counting.missed[-1].name}
            )
        return str(_("The next elections (none is announced yet)."))
    election = counting.election
    text = str(
        _("%(name)s (first round on %(date)s).")
        % {"name": election.name, "date": _date(election.first_round)}
    )
    if counting.missed:
        text += " " + str(
            _("The deadline for the %(name)s has passed.") % {"name": counting.missed[0].name}
        )
    if counting.late:
        text += " " + str(_("Counted through an exception of the law, which the town hall checks."))
    if counting.second_round_only:
        text += " " + str(_("You turn 18 between the rounds: you may vote at the second only."))
    return text
