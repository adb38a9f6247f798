"""Which commune's slots a change of opening hours touches.

The slots pages keep a counter's opening units in the portal cache, renewed with the
commune's portal version. The kit's rows name their commune; django-scheduler's do not: an
``Event`` names its calendar (one per counter), an ``Occurrence`` its event, and a ``Rule``
is shared by every counter opening on the same weekdays. Renewing every commune for each of
them made one commune's new opening hours cost the whole install its cached pages.
"""

from schedule.models import Event, Occurrence, Rule

from ecommune.appointments.models import Counter

ALL = "all"


def commune_of_opening_change(instance, *, created: bool = False):
    """The key of the commune whose opening units ``instance`` changes, ``ALL`` for every
    commune, or None when it changes none."""
    commune_id = getattr(instance, "commune_id", None)
    if commune_id is not None:
        return commune_id
    if isinstance(instance, Rule):
        # A new rule opens nothing until an opening uses it (and that opening names its
        # commune); a shared rule edited or deleted may change any commune's openings.
        return None if created else ALL
    if isinstance(instance, Occurrence):
        calendar_id = Event.objects.filter(pk=instance.event_id).values("calendar_id")
        return _commune_of_calendars(calendar_id)
    if isinstance(instance, Event):
        return _commune_of_calendars([instance.calendar_id])
    return None


def _commune_of_calendars(calendar_ids):
    """The commune of the counter owning the calendar; None for a calendar no counter owns
    (another application's)."""
    return (
        Counter.unscoped.filter(calendar_id__in=calendar_ids)
        .values_list("commune_id", flat=True)
        .first()
    )
