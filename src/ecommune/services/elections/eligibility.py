"""Which election a registration request counts for, and whether the voter is of age.

The request is accepted whatever the date (registration is open all year); what the law
decides is the first election it counts for: the next one of the voter's lists whose
deadline (L17) has not passed, or, with an exception of L30 that the agent verifies, one
whose 10th day before is still ahead. Not the wizard: no wording of form errors here.
"""

import datetime
from dataclasses import dataclass, field

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
