"""The monthly billing run of the canteen and after-school care.

One invoice per household with billable sessions in the month: a session is a day the
child is enrolled for that weekday, less the absences reported in time (``DayChange``
with ``attending=False``), plus the extra days reported (``attending=True``). Weekends
and public holidays (``ecommune.requests.workdays``, with the commune's local ones) are
never billed, nor are the days of the commune's school holidays (``SchoolHoliday``,
entered by agents under « Cantine et périscolaire »: the academic zone's holidays,
summer included, and bridge days).

The price of each session is the band of the household's quotient familial valid on
that day (``Household.qf_on``), or the default price without one; such lines say so.

Idempotent: each invoice carries the key ``school:{year}-{month:02}:household:{id}``
and a household already billed for the month is skipped, so running twice issues
nothing the second time. Efficient: a fixed number of queries whatever the number of
children (everything is read up front, the numbers are taken as one block under the
series lock, invoices and lines are bulk-inserted; SQLite's limit of 999 parameters per
statement splits the inserts in batches).
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ecommune.families.models import Guardian, Household
from ecommune.payments import numbering
from ecommune.payments.invoices import (
    LineDraft,
    Payer,
    build_invoice,
    insert_invoices,
    insert_lines,
)
from ecommune.payments.models import Invoice, InvoiceKind, InvoicingSettings
from ecommune.requests.workdays import is_working_day, subdivision_for_insee
from ecommune.services.school.models import ActivityEnrolment, DayChange, PriceBand
from ecommune.services.school.pricing import price_for


def billing_key(year: int, month: int, household_id: int) -> str:
    return f"school:{year}-{month:02}:household:{household_id}"


def school_year_of(day: datetime.date) -> int:
    """The school year a day belongs to (September to August), by the year it starts."""
    return day.year if day.month >= 9 else day.year - 1


def billable_days(commune, year: int, month: int) -> list[datetime.date]:
    """The month's weekdays that are neither public holidays nor school holidays."""
    from ecommune.services.school.models import SchoolHoliday

    subdivision = subdivision_for_insee(commune.insee_code)
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    holidays = list(
        SchoolHoliday.objects.for_commune(commune)
        .filter(starts_on__lte=last, ends_on__gte=first)
        .values_list("starts_on", "ends_on")
    )
    days = (first + datetime.timedelta(days=offset) for offset in range(last.day))
    return [
        day
        for day in days
        if is_working_day(day, subdivision)
        and not any(start <= day <= end for start, end in holidays)
    ]


@dataclass
class BillingResult:
    year: int
    month: int
    issued: list = field(default_factory=list)
    skipped: int = 0  # households already billed for the month
    lines: int = 0

    @property
    def total(self) -> Decimal:
        return sum((invoice.total for invoice in self.issued), Decimal("0.00"))


def _price_table(commune, school_year):
    bands = defaultdict(list)
    for band in PriceBand.objects.for_commune(commune).filter(school_year=school_year):
        bands[band.activity_id].append(band)
    return bands


def _sessions(enrolment_weekdays, days, changes, starts_on=None):
    """The days billed for one enrolment: weekly days corrected by the reported changes,
    none before the enrolment's first billed day."""
    weekly = set(enrolment_weekdays)
    billed = []
    for day in days:
        if starts_on is not None and day < starts_on:
            continue
        attending = changes.get(day)
        if attending is None:
            attending = day.weekday() in weekly
        if attending:
            billed.append(day)
    return billed


def _day_list(days) -> str:
    return ", ".join(str(day.day) for day in days)


class _Prices:
    """``price_for`` memoised per activity and QF (a month has few distinct pairs)."""

    def __init__(self, bands):
        self.bands = bands
        self.cache = {}

    def get(self, activity_id, qf):
        key = (activity_id, qf)
        if key not in self.cache:
            self.cache[key] = price_for(self.bands.get(activity_id, ()), qf)
        return self.cache[key]


def _drafts_for(household, enrolments, days, changes_by_enrolment, prices, per_day, labels):
    """The lines of one household: per child, activity and price (or per day)."""
    drafts = []
    no_qf, month = labels
    qf_by_day = {day: household.qf_on(day) for day in days}
    for (
        pk,
        weekdays,
        first_name,
        last_name,
        _household_id,
        activity_id,
        name,
        starts_on,
    ) in enrolments:
        child_name = f"{first_name} {last_name}"
        sessions = _sessions(weekdays, days, changes_by_enrolment.get(pk, {}), starts_on)
        by_price: dict[tuple, list] = {}
        for day in sessions:
            qf = qf_by_day[day] if day in qf_by_day else household.qf_on(day)
            price = prices.get(activity_id, qf)
            if price is None:
                continue  # no price grid for this school year: nothing can be billed
            by_price.setdefault((price, qf is None), []).append(day)
        for (price, default), billed in by_price.items():
            suffix = f" ({no_qf})" if default else ""
            if per_day:
                for day in billed:
                    drafts.append(
                        LineDraft(
                            label=f"{name}{suffix}",
                            quantity=Decimal(1),
                            unit_price=price,
                            child_name=child_name,
                            service_date=day,
                        )
                    )
            else:
                drafts.append(
                    LineDraft(
                        label=f"{name} — {_day_list(billed)} {month}{suffix}",
                        quantity=Decimal(len(billed)),
                        unit_price=price,
                        child_name=child_name,
                        service_date=billed[0],
                    )
                )
    return drafts


def _payer(household) -> tuple[str, str] | None:
    """The household's first legal guardian (its guardians read with their accounts)."""
    for guardian in household.guardians.all():
        user = guardian.user
        return (f"{user.first_name} {user.last_name}".strip() or user.email, user.email)
    return None


def run_billing(
    commune,
    year: int,
    month: int,
    issued_on: datetime.date | None = None,
    *,
    actor=None,
    per_day: bool = False,
    send_notices: bool = True,
) -> BillingResult:
    """Issue the month's invoices of ``commune``; households already billed are skipped.

    ``per_day`` makes one line per child, activity and day; by default a line per child,
    activity and price lists its days (the same amounts, a shorter invoice).
    """
    from django.utils import timezone

    issued_on = issued_on or timezone.localdate()
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    school_year = school_year_of(first)
    days = billable_days(commune, year, month)
    result = BillingResult(year, month)
    settings = InvoicingSettings.for_commune(commune)
    due_on = issued_on + datetime.timedelta(days=settings.payment_days)

    with transaction.atomic():
        # The series lock makes concurrent runs wait for each other: no double invoice.
        numbering.lock_series(commune, InvoiceKind.INVOICE, issued_on)
        prefix = f"school:{year}-{month:02}:household:"
        # Households already billed for the month are left out in the database.
        already = Invoice.objects.for_commune(commune).filter(
            household_id=OuterRef("child__household_id"), billing_key__startswith=prefix
        )
        to_bill = (
            ActivityEnrolment.objects.for_commune(commune)
            .filter(school_year=school_year)
            .filter(~Exists(already))
        )
        result.skipped = (
            Invoice.objects.for_commune(commune).filter(billing_key__startswith=prefix).count()
        )
        enrolments = to_bill.order_by(
            "child__household_id", "child__birth_date", "child_id", "activity__name"
        ).values_list(
            "pk",
            "weekdays",
            "child__first_name",
            "child__last_name",
            "child__household_id",
            "activity_id",
            "activity__name",
            "starts_on",
        )
        changes_by_enrolment: dict[int, dict] = defaultdict(dict)
        for enrolment_id, day, attending in (
            DayChange.objects.for_commune(commune)
            .filter(
                enrolment__school_year=school_year,
                day__gte=first,
                day__lte=last,
            )
            .values_list("enrolment_id", "day", "attending")
        ):
            changes_by_enrolment[enrolment_id][day] = attending
        prices = _Prices(_price_table(commune, school_year))

        by_household = defaultdict(list)
        for row in enrolments:
            by_household[row[4]].append(row)
        # Each household with its guardians and their accounts, in one more query: the
        # payer's name and the family's address (kept in the first guardian's account).
        billed_households = (
            Household.objects.for_commune(commune)
            .filter(pk__in=to_bill.values("child__household_id"))
            .prefetch_related(
                Prefetch(
                    "guardians",
                    queryset=Guardian.objects.for_commune(commune).select_related("user"),
                )
            )
        )
        households = {household.pk: household for household in billed_households}

        # Worked out once: formatting a date or translating costs more than a line.
        labels = (_("default price, no valid quotient familial"), date_format(first, "F Y"))
        pending = []
        for household_id, household_enrolments in by_household.items():
            household = households[household_id]
            drafts = _drafts_for(
                household,
                household_enrolments,
                days,
                changes_by_enrolment,
                prices,
                per_day,
                labels,
            )
            if not drafts:
                continue
            name, email = _payer(household) or (
                _("Household %(number)s") % {"number": household_id},
                "",
            )
            pending.append((household, drafts, Payer(name, household.address, email)))

        numbers = numbering.take(commune, InvoiceKind.INVOICE, issued_on, len(pending))
        invoices = [
            build_invoice(
                household,
                number,
                drafts,
                issued_on=issued_on,
                due_on=due_on,
                payer=payer,
                billing_key=billing_key(year, month, household.pk),
                period_start=first,
                period_end=last,
            )
            for number, (household, drafts, payer) in zip(numbers, pending, strict=True)
        ]
        insert_invoices(invoices, prefix)
        result.lines = insert_lines(invoices)
        result.issued = invoices
        if actor is not None and invoices:
            from ecommune.accounts.audit import audit

            audit(
                actor,
                "school.billing_run",
                None,
                _("%(month)s: %(count)s invoices, %(first)s to %(last)s")
                % {
                    "month": f"{year}-{month:02}",
                    "count": len(invoices),
                    "first": invoices[0].number,
                    "last": invoices[-1].number,
                },
                commune=commune,
            )
        if send_notices and invoices:
            ids = [invoice.pk for invoice in invoices]
            transaction.on_commit(lambda: _enqueue_notices(commune.pk, ids))
    return result


def _enqueue_notices(commune_id, invoice_ids):
    from ecommune.services.school.tasks import send_invoice_notices_task

    send_invoice_notices_task.enqueue(commune_id, invoice_ids)
