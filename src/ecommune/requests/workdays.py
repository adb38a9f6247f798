"""Working days: the expected date of answer excludes weekends and French public holidays.

Holidays come from the maintained ``holidays`` library, with the commune's local
ones: Alsace and Moselle keep Good Friday and St Stephen's Day, the overseas
departments their abolition-of-slavery days. The department is read from the
commune's INSEE code.
"""

import datetime
from functools import cache

import holidays

# INSEE department prefix → the holidays library's subdivision code for France.
_SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
    "975": "PM",
    "977": "BL",
    "978": "MF",
    "986": "WF",
    "987": "PF",
    "988": "NC",
}


def subdivision_for_insee(insee_code: str) -> str | None:
    """The holidays subdivision of a commune, from its INSEE code (None for mainland rules)."""
    code = (insee_code or "").upper()
    return _SUBDIVISIONS.get(code[:3]) or _SUBDIVISIONS.get(code[:2])


@cache
def _holidays(subdivision: str | None, year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("FR", subdiv=subdivision, years=year))


def is_working_day(day: datetime.date, subdivision: str | None = None) -> bool:
    return day.weekday() < 5 and day not in _holidays(subdivision, day.year)


def add_working_days(
    start: datetime.date, days: int, subdivision: str | None = None
) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current, subdivision):
            remaining -= 1
    return current


def working_days_between(
    start: datetime.date, end: datetime.date, subdivision: str | None = None
) -> int:
    """Working days after ``start`` up to ``end`` included (negative when ``end`` is before)."""
    if end < start:
        return -working_days_between(end, start, subdivision)
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current, subdivision):
            count += 1
    return count
