"""Dates of the electoral roll, from the Code électoral as it stands:

- L17: a request counts for an election when filed at the latest on the 6th Friday before
  its first round (loi n° 2016-1048; R5 moves the national online service's own limit to
  the Wednesday before, which this town-hall service does not use);
- L30: some people may still register until the 10th day before the first round (turning
  18, moving for work, acquiring French nationality, recovering the right to vote…);
- L2 and L11: a voter is 18 at the latest the day before the first round; one who turns 18
  between the two rounds votes at the second only.

Pure functions, tested against the official 2026 municipal dates (first round 15 March
2026: deadline Friday 6 February 2026, exceptions until 5 March 2026).
"""

import datetime

FRIDAY = 4
DEADLINE_FRIDAYS = 6
EXCEPTION_DAYS = 10
VOTING_AGE = 18


def registration_deadline(first_round: datetime.date) -> datetime.date:
    """The 6th Friday before ``first_round`` (L17)."""
    day = first_round - datetime.timedelta(days=1)
    while day.weekday() != FRIDAY:
        day -= datetime.timedelta(days=1)
    return day - datetime.timedelta(weeks=DEADLINE_FRIDAYS - 1)


def exception_deadline(first_round: datetime.date) -> datetime.date:
    """The 10th day before ``first_round`` (L30)."""
    return first_round - datetime.timedelta(days=EXCEPTION_DAYS)


def eighteenth_birthday(birth_date: datetime.date) -> datetime.date:
    try:
        return birth_date.replace(year=birth_date.year + VOTING_AGE)
    except ValueError:  # born on 29 February: of age on 1 March
        return datetime.date(birth_date.year + VOTING_AGE, 3, 1)


def of_age_for(birth_date: datetime.date, round_date: datetime.date) -> bool:
    """18 at the latest the day before the round (L2)."""
    return eighteenth_birthday(birth_date) <= round_date - datetime.timedelta(days=1)
