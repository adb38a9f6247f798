"""Which election a registration request counts for, and whether the voter is of age.

The request is accepted whatever the date (registration is open all year); what the law
decides is the first election it counts for: the next one of the voter's lists whose
deadline (L17) has not passed, or, with an exception of L30 that the agent verifies, one
whose 10th day before is still ahead. Not the wizard: no wording of form errors here; the
sentence the summary and the agent read (``Counting.text``).
"""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ecommune.services.elections import deadlines


@dataclass
class Counting:
    election: object | None = None
    #: Counted through an exception of L30, which the agent verifies.
    late: bool = False
    #: The voter turns 18 between the rounds: second round only.
    second_round_only: bool = False
    #: Elections this request comes too late for.
    missed: list = field(default_factory=list)
    #: Elections the voter is too young for.
    too_young_for: list = field(default_factory=list)

    @staticmethod
    def text_of(counting) -> str:
        """``counting.text()``, or the sentence for no counting at all."""
        return (counting or Counting()).text()

    def text(self) -> str:
        """Which election the request counts for, in a sentence for the resident and the
        agent."""
        if self.election is None:
            if self.missed:
                return _(
                    "The deadline for the %(name)s has passed: your registration will count "
                    "for the following elections."
                ) % {"name": self.missed[-1].name}
            return _("The next elections (none is announced yet).")
        text = _("%(name)s (first round on %(date)s).") % {
            "name": self.election.name,
            "date": date_format(self.election.first_round, "j F Y"),
        }
        if self.missed:
            text += " " + _("The deadline for the %(name)s has passed.") % {
                "name": self.missed[0].name
            }
        if self.late:
            text += " " + _("Counted through an exception of the law, which the town hall checks.")
        if self.second_round_only:
            text += " " + _("You turn 18 between the rounds: you may vote at the second only.")
        return text


def counted_for(
    elections, kinds: set, today: datetime.date, birth_date: datetime.date, exception: str = ""
) -> Counting:
    """``elections``: upcoming ones, first round first."""
    counting = Counting()
    for election in elections:
        if election.kind not in kinds:
            continue
        if today <= election.registration_deadline:
            late = False
        elif exception and today <= election.exception_deadline:
            late = True
        else:
            counting.missed.append(election)
            continue
        if not deadlines.of_age_for(birth_date, election.first_round):
            if election.second_round and deadlines.of_age_for(birth_date, election.second_round):
                counting.second_round_only = True
            else:
                counting.too_young_for.append(election)
                continue
        counting.election, counting.late = election, late
        return counting
    return counting


def is_of_age_today(birth_date: datetime.date, today: datetime.date) -> bool:
    return deadlines.eighteenth_birthday(birth_date) <= today
