"""Prices of the canteen and after-school care by quotient familial band, the State's
« cantine à 1 € » conditions, and the public simulator's monthly estimate.

Money is ``Decimal`` throughout, rounded to the cent, never float.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from ecommune.services.school.models import ActivityKind, PriceBand

ONE_EURO = Decimal("1.00")
CENT = Decimal("0.01")


def price_for(bands, qf: int | None) -> Decimal | None:
    """The price of a session for ``qf`` among an activity's bands of one school year; the
    default band without a QF (or, lacking one, the dearest band)."""
    bands = list(bands)
    if not bands:
        return None
    if qf is not None:
        for band in bands:
            if band.is_default:
                continue
            if band.qf_min <= qf and (band.qf_max is None or qf <= band.qf_max):
                return band.price
    default = [band.price for band in bands if band.is_default]
    return default[0] if default else max(band.price for band in bands)


@dataclass
class CantineCheck:
    meets: bool
    reasons: list[str]


def cantine_a_un_euro(activity, school_year: int) -> CantineCheck:
    """Whether a canteen's grid meets the State's « cantine à 1 € » conditions: at least
    three bands by income or QF, one at 1 € or less and one above."""
    if activity.kind != ActivityKind.CANTEEN:
        return CantineCheck(False, [_("Only a canteen can qualify.")])
    bands = [
        band
        for band in PriceBand.objects.for_commune(activity.commune_id).filter(
            activity=activity, school_year=school_year
        )
        if not band.is_default
    ]
    reasons = []
    if len(bands) < 3:
        reasons.append(
            _("The grid has %(count)s price bands; at least 3 are needed.") % {"count": len(bands)}
        )
    if not any(band.price <= ONE_EURO for band in bands):
        reasons.append(_("No band costs 1 € or less per meal."))
    if not any(band.price > ONE_EURO for band in bands):
        reasons.append(_("No band costs more than 1 € per meal."))
    return CantineCheck(not reasons, reasons)


def sessions_in_month(year: int, month: int, weekdays) -> int:
    """How many of ``weekdays`` (0 = Monday) a month has, school holidays not deducted."""
    days = calendar.monthrange(year, month)[1]
    wanted = set(weekdays)
    return sum(
        1 for day in range(1, days + 1) if datetime.date(year, month, day).weekday() in wanted
    )


@dataclass
class EstimateLine:
    activity: object
    sessions: int
    price: Decimal
    total: Decimal


def estimate_month(
    year: int, month: int, qf: int | None, choices: dict, school_year: int
) -> list[EstimateLine]:
    """The cost of a month for ``choices`` {activity: [weekdays]} at the price of ``qf``."""
    activities = list(choices)
    bands_by_activity: dict[int, list] = {activity.pk: [] for activity in activities}
    for band in PriceBand.objects.filter(activity__in=activities, school_year=school_year):
        bands_by_activity[band.activity_id].append(band)
    lines = []
    for activity in activities:
        days = [day for day in choices[activity] if day in activity.weekdays]
        price = price_for(bands_by_activity[activity.pk], qf)
        if not days or price is None:
            continue
        sessions = sessions_in_month(year, month, days)
        lines.append(EstimateLine(activity, sessions, price, (price * sessions).quantize(CENT)))
    return lines
