"""Town-hall counters, their opening hours (django-scheduler), appointments and queues.

A counter owns a django-scheduler ``Calendar``; each opening period is an
``Event`` with a weekly ``Rule`` and the number of agents on duty, which is
the capacity of each appointment slot in that period. Time at a counter is cut
into units of ``slot_minutes``; ``SlotUnit`` rows count the places taken in
each unit, and a booking takes one place in every unit it covers with a
conditional update, so capacity holds under concurrent requests on any database.
"""

import datetime
import secrets

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from schedule.models import Calendar, Event, Rule
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from ecommune.core.tenancy import CommuneOwned
from ecommune.requests.models import Channel


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Counter(CommuneOwned):
    """A place in the town hall that receives the public, such as « Accueil État civil »."""

    name = models.CharField(_("name"), max_length=120)
    location = models.CharField(
        _("location"),
        max_length=200,
        blank=True,
        help_text=_("Where it is, such as « Rez-de-chaussée, bureau 3 »."),
    )
    calendar = models.OneToOneField(
        Calendar, on_delete=models.PROTECT, related_name="+", editable=False
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=15,
        help_text=_("Appointments start on this grid; a motive takes one or more slots."),
    )
    feed_token = models.CharField(
        _("calendar feed key"), max_length=64, default=_new_token, editable=False, unique=True
    )
    # Where the counter is, for the national ID-card and passport search (ANTS hub).
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        help_text=_(
            "Such as 47.2184. Needed to show this counter on rendezvouspasseport.ants.gouv.fr."
        ),
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, help_text=_("Such as -1.5536.")
    )

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="ecommune_counter_unique_name")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.calendar_id is None:
            self.calendar = Calendar.objects.create(
                name=self.name[:200],
                slug=f"counter-{slugify(self.name)[:150]}-{timezone.now():%Y%m%d%H%M%S%f}",
            )
        super().save(*args, **kwargs)

    @transaction.atomic
    def add_weekly_opening(
        self,
        weekdays: list[int],
        opens: datetime.time,
        closes: datetime.time,
        agents: int = 1,
        starting: datetime.date | None = None,
    ) -> "CounterOpening":
        """Open the counter every week on ``weekdays`` (0 = Monday) from ``opens`` to ``closes``."""
        starting = starting or timezone.localdate()
        tz = timezone.get_current_timezone()
        rule, _created = Rule.objects.get_or_create(**weekdays_rule(weekdays))
        event = Event.objects.create(
            calendar=self.calendar,
            title=self.name,
            start=datetime.datetime.combine(starting, opens, tzinfo=tz),
            end=datetime.datetime.combine(starting, closes, tzinfo=tz),
            rule=rule,
        )
        return CounterOpening.objects.create(
            commune=self.commune, counter=self, event=event, agents_on_duty=agents
        )

    def occurrences_between(self, start: datetime.datetime, end: datetime.datetime):
        """The counter's opening periods between two moments, from the recurrence rules."""
        events = Event.objects.filter(calendar=self.calendar).select_related("rule")
        occurrences = []
        for event in events:
            occurrences.extend(event.get_occurrences(start, end))
        return sorted(occurrences, key=lambda o: o.start)


def weekdays_rule(weekdays) -> dict:
    """The django-scheduler rule « every one of these weekdays ». DAILY, not WEEKLY: a WEEKLY
    rule's ``byweekday`` is cut down by django-scheduler to the first event's own weekday when
    it is among them (``Event._event_params``), so an opening set up on a Wednesday for
    Monday to Friday opened on Wednesdays only."""
    days = ",".join(str(d) for d in sorted(weekdays))
    return {
        "frequency": "DAILY",
        "params": f"byweekday:{days}",
        "defaults": {"name": f"weekdays {days}", "description": "Weekly opening"},
    }


WEEKDAY_NAMES = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


class CounterOpening(CommuneOwned):
    """An opening period of a counter and how many agents are on duty then."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="openings")
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="+")
    agents_on_duty = models.PositiveSmallIntegerField(_("agents on duty"), default=1)

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")

    def __str__(self):
        tz = timezone.get_current_timezone()
        days = (self.event.rule.params if self.event.rule else "").removeprefix("byweekday:")
        names = [str(WEEKDAY_NAMES[int(d)]) for d in days.split(",") if d.strip().isdigit()]
        return (
            f"{self.counter} — {', '.join(names)} {self.event.start.astimezone(tz):%H:%M}–"
            f"{self.event.end.astimezone(tz):%H:%M}"
        )

    def delete(self, *args, **kwargs):
        """The period's django-scheduler event goes with it (the rule is shared, it stays)."""
        event = self.event
        result = super().delete(*args, **kwargs)
        event.delete()
        return result


class AntsReason(models.TextChoices):
    """The reasons the ANTS hub searches slots for (its ``reason`` parameter)."""

    CNI = "CNI", _("Identity card")
    PASSPORT = "PASSPORT", _("Passport")
    BOTH = "CNI-PASSPORT", _("Identity card and passport")


class Motive(CommuneOwned):
    """Why a resident comes, such as « Dépôt de demande de passeport »: how long it takes,
    how many people one appointment may cover, and which counters handle it."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=80)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=15)
    max_people = models.PositiveSmallIntegerField(
        _("people per appointment"),
        default=1,
        help_text=_("A family may come together: one appointment covers up to this many people."),
    )
    counters = models.ManyToManyField(Counter, related_name="motives", verbose_name=_("counters"))
    instructions = models.TextField(
        _("what to bring"), blank=True, help_text=_("Shown before booking and in the emails.")
    )
    requires_ants_number = models.BooleanField(
        _("ANTS pre-demand number required"),
        default=False,
        help_text=_("For ID cards and passports: each person gives their pre-demand number."),
    )
    ants_reason = models.CharField(
        _("title for the ANTS search"),
        max_length=12,
        blank=True,
        choices=AntsReason.choices,
        help_text=_(
            "The title this motive files, so that its free slots show on "
            "rendezvouspasseport.ants.gouv.fr. Empty: not shown there."
        ),
    )
    active = models.BooleanField(_("open for booking"), default=True)

    class Meta:
        verbose_name = _("appointment motive")
        verbose_name_plural = _("appointment motives")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "slug"], name="ecommune_motive_unique_slug")
        ]

    def __str__(self):
        return self.name


class Closure(CommuneOwned):
    """An exceptional closure (public holidays come from the ``holidays`` library)."""

    counter = models.ForeignKey(
        Counter,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("counter"),
        help_text=_("Leave empty to close every counter."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="ecommune_closure_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y} {self.reason}".strip()


class SlotUnit(CommuneOwned):
    """Places taken in one unit of a counter's time; the row every booking locks."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["counter", "start"], name="ecommune_slotunit_unique")
        ]


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    SEEN = "seen", _("Seen")
    NO_SHOW = "no_show", _("Did not come")


class Booking(CommuneOwned):
    """One appointment: a motive at a counter at a time, for a named resident."""

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    motive = models.ForeignKey(
        Motive, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("motive")
    )
    counter = models.ForeignKey(
        Counter, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("counter")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("mobile"), max_length=30, blank=True)
    user = models.ForeignKey(
        "ecommune_accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    booked_by_agent = models.BooleanField(_("booked by an agent"), default=False)
    # How the resident reached the town hall, as in the request engine's history (web,
    # phone, counter), and the agent who booked on their behalf.
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    booked_by = models.ForeignKey(
        "ecommune_accounts.User",
        verbose_name=_("booked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Every signed link carries this number; using a link bumps it, so a link works once.
    link_version = models.PositiveIntegerField(default=0, editable=False)
    # iCalendar SEQUENCE: each change sends a newer version of the same event.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start"]
        indexes = [models.Index(fields=["counter", "start"], name="ec_booking_counter_start")]

    def __str__(self):
        return f"{self.reference} {self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.status == BookingStatus.BOOKED


class AntsNumber(models.Model):
    """An ANTS pre-demand number given for one person of a booking.

    Install-wide: the same number may hold one future appointment only, whatever
    the commune (a partial unique constraint on the active rows).
    """

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="ants_numbers")
    number = models.CharField(_("pre-demand number"), max_length=10)
    active = models.BooleanField(default=True)
    # What ANTS's anti-duplicate API was last told (ecommune.appointments.ants_declarations):
    # the appointment declared, and when to try again after a failure (None: in step).
    declared_start = models.DateTimeField(null=True, blank=True, editable=False)
    declared_meeting_point = models.CharField(max_length=200, blank=True, editable=False)
    sync_due_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    sync_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    sync_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("ANTS pre-demand number")
        verbose_name_plural = _("ANTS pre-demand numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=models.Q(active=True),
                name="ecommune_ants_number_one_future_booking",
            )
        ]

    def __str__(self):
        return self.number


@register_setting(icon="date")
class AppointmentSettings(BaseSiteSetting):
    """A commune's booking rules, edited under Settings in the back office."""

    horizon_weeks = models.PositiveSmallIntegerField(
        _("weeks open for booking"), default=8, help_text=_("How far ahead residents may book.")
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"),
        default=2,
        help_text=_("A slot starting sooner than this is no longer offered online."),
    )
    no_show_limit = models.PositiveSmallIntegerField(
        _("missed appointments before online booking stops"),
        default=2,
        help_text=_(
            "A resident who missed this many appointments in 30 days is asked to call the "
            "town hall instead. 0 turns the rule off."
        ),
    )

    ants_api_url = models.URLField(
        _("ANTS appointment API address"),
        blank=True,
        help_text=_(
            "Optional: the ANTS anti-duplicate API (API rendez-vous), which says whether a "
            "pre-demand number may still be booked. Empty: the local check only."
        ),
    )
    ants_api_token = models.CharField(
        _("ANTS appointment API key"),
        max_length=200,
        blank=True,
        help_text=_("The key ANTS gave for this API (sent in the x-rdv-opt-auth-token header)."),
    )
    ants_hub_listed = models.BooleanField(
        _("show our ID-card and passport slots on rendezvouspasseport.ants.gouv.fr"),
        default=False,
        help_text=_(
            "The national search asks this site for the free slots of the motives that have a "
            "title for the ANTS search, at the counters whose latitude and longitude are given. "
            "The IT team registers the site with ANTS once (see the documentation)."
        ),
    )

    class Meta:
        verbose_name = _("appointments")


class Desk(CommuneOwned):
    """An agent's place at a counter, open or closed; open desks serve the queue."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="desks")
    name = models.CharField(_("name"), max_length=60)
    is_open = models.BooleanField(_("open"), default=False)

    class Meta:
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        ordering = ["counter", "name"]
        constraints = [
            models.UniqueConstraint(fields=["counter", "name"], name="ecommune_desk_unique_name")
        ]

    def __str__(self):
        return f"{self.counter} — {self.name}"


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    DONE = "done", _("Served")
    LEFT = "left", _("Left")


class QueueTicket(CommuneOwned):
    """A place in a counter's queue today, taken at the kiosk or on the web."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="tickets")
    day = models.DateField(default=timezone.localdate)
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    desk = models.ForeignKey(Desk, on_delete=models.SET_NULL, null=True, blank=True)
    phone = models.CharField(_("mobile"), max_length=30, blank=True)
    notified_near = models.BooleanField(default=False)
    secret = models.CharField(max_length=64, default=_new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    called_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["day", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["counter", "day", "number"], name="ecommune_ticket_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.counter} n° {self.number}"


class IdentityDocumentKind(models.TextChoices):
    IDENTITY_CARD = "identity_card", _("National identity card")
    PASSPORT = "passport", _("Passport")


class DeclaredIdentityDocument(CommuneOwned):
    """The expiry date of an identity card or a passport a resident chose to declare, so that
    « Mon agenda » tells them when to book its renewal (``appointments.identity_documents``).
    Erased a month after the expiry by the daily ``forget-appointments`` job."""

    user = models.ForeignKey(
        "ecommune_accounts.User",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("resident"),
    )
    kind = models.CharField(_("document"), max_length=20, choices=IdentityDocumentKind.choices)
    expires_on = models.DateField(_("expires on"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("declared identity document")
        verbose_name_plural = _("declared identity documents")
        ordering = ["expires_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "user", "kind"], name="ecommune_one_declared_document_a_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.expires_on:%d/%m/%Y}"
