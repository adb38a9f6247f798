"""Town-hall counters and their opening hours, on django-scheduler.

A counter owns a django-scheduler ``Calendar``; each opening period is an
``Event`` with a weekly ``Rule`` and the number of agents on duty, which is
the capacity of each appointment slot in that period.
"""

import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from schedule.models import Calendar, Event, Rule

from ecommune.core.tenancy import CommuneOwned


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
        rule, _created = Rule.objects.get_or_create(
            frequency="WEEKLY",
            params="byweekday:" + ",".join(str(d) for d in sorted(weekdays)),
            defaults={
                "name": "weekly " + ",".join(str(d) for d in sorted(weekdays)),
                "description": "Weekly opening",
            },
        )
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


class CounterOpening(CommuneOwned):
    """An opening period of a counter and how many agents are on duty then."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="openings")
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="+")
    agents_on_duty = models.PositiveSmallIntegerField(_("agents on duty"), default=1)

    class Meta:
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")

    def __str__(self):
        return f"{self.counter}: {self.event.start:%H:%M}–{self.event.end:%H:%M}"
