"""« Mon agenda »: the dates that concern a signed-in resident in one commune, on a page of
« Mon espace » and in a private iCalendar feed.

The apps above accounts that know such dates (elections, the school canteen, appointments,
invoices) each register an ``AgendaSource`` from their ``AppConfig.ready``; accounts never
imports them (the kit's floors). A source's ``items(user, commune, today)`` reads the
current commune's rows (tenancy scopes them to the host that serves the page or the feed)
in a fixed number of queries whatever the resident has, and returns ``AgendaItem``s.

The feed's address is secret and revocable: it carries a key derived from a random nonce
and the site's secret key; the database keeps only the key's SHA-256. Renewing the link
draws a new nonce, and the old address answers 404 from then on.
"""

import datetime
import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from ecommune.core.plugins import Registry

PRODID = "-//ecommune//agenda//FR"
#: Reminders by email go this many days before each date (``wants_reminders``).
REMINDER_DAYS = 3
_KEY_SALT = "ecommune.accounts.agenda.feed"


@dataclass(frozen=True)
class AgendaItem:
    """One date of the agenda: a whole day (``day``) or a time (``start``, aware, with an
    optional ``end``). ``uid`` stays the same from one reading of the feed to the next, so
    calendars update the event instead of adding another."""

    uid: str
    title: str
    day: datetime.date
    kind: str
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    url: str = ""
    description: str = ""

    @property
    def sort_key(self):
        moment = timezone.localtime(self.start).time() if self.start else datetime.time.min
        return (self.day, moment, self.title)


@dataclass(frozen=True)
class AgendaSource:
    """Dates an app knows: ``items(user, commune, today)`` gives the resident's. A source
    whose dates the resident gives themselves names the page where they do it
    (``manage_url_name``, linked from « Mon agenda » with ``manage_label``)."""

    name: str
    items: Callable[..., Iterable[AgendaItem]]
    order: int = 100
    manage_label: str = ""
    manage_url_name: str = ""


sources: Registry[AgendaSource] = Registry(
    "agenda source", key=lambda source: source.name, order=lambda source: source.order
)


def items_for(user, commune, today: datetime.date | None = None) -> list[AgendaItem]:
    """Every source's items for ``user`` in ``commune`` from ``today`` on, by date."""
    today = today or timezone.localdate()
    items = []
    for source in sources:
        items.extend(item for item in source.items(user, commune, today) if item.day >= today)
    return sorted(items, key=lambda item: item.sort_key)


def to_ics(items: Iterable[AgendaItem], commune, base_url: str) -> bytes:
    """The items as an iCalendar file (RFC 5545), built by the ``icalendar`` library."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("My agenda — %(commune)s") % {"commune": commune.name})
    stamp = timezone.now().astimezone(datetime.UTC)
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        if item.start is not None:
            event.add("dtstart", item.start.astimezone(datetime.UTC))
            if item.end is not None:
                event.add("dtend", item.end.astimezone(datetime.UTC))
        else:
            event.add("dtstart", item.day)
            event.add("dtend", item.day + datetime.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        event.add("categories", [item.kind])
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", base_url.rstrip("/") + item.url)
        calendar.add_component(event)
    return calendar.to_ical()


# The feed's secret address.


def feed_key(feed) -> str:
    """The key of ``feed``'s address: recomputed from its nonce, never stored."""
    return salted_hmac(_KEY_SALT, f"{feed.user_id}:{feed.nonce}", algorithm="sha256").hexdigest()


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def feed_of(user):
    """The resident's feed in the current commune, or None before they asked for one."""
    from ecommune.accounts.models import AgendaFeed

    return AgendaFeed.objects.filter(user=user).first()


def key_of(feed) -> str:
    """The address's key; re-stores its hash if the site's secret key changed since."""
    key = feed_key(feed)
    if feed.key_hash != _hash(key):
        feed.key_hash = _hash(key)
        feed.save(update_fields=["key_hash"])
    return key


@transaction.atomic
def renew_feed(user):
    """A new secret address for ``user``'s feed in the current commune; the old one, if
    any, stops working."""
    from ecommune.accounts.models import AgendaFeed

    feed = AgendaFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = AgendaFeed(user=user)
    feed.nonce = secrets.token_urlsafe(32)
    feed.key_hash = _hash(feed_key(feed))
    feed.save()
    return feed


def revoke_feed(user) -> None:
    from ecommune.accounts.models import AgendaFeed

    AgendaFeed.objects.filter(user=user).delete()


def feed_for_key(key: str):
    """The feed whose address carries ``key`` in the current commune, or None."""
    from ecommune.accounts.models import AgendaFeed

    if not key or len(key) > 128:
        return None
    return AgendaFeed.objects.select_related("user").filter(key_hash=_hash(key)).first()


# Reminders by email, and by SMS when asked (sent by
# ``ecommune.notifications.agenda_reminders``).


def reminders_of(user):
    """The ``AgendaReminders`` row of ``user`` in the current commune, or None."""
    from ecommune.accounts.models import AgendaReminders

    return AgendaReminders.objects.filter(user=user).first()


def wants_reminders(user) -> bool:
    return reminders_of(user) is not None


def set_reminders(user, wanted: bool, by_sms: bool = False) -> None:
    """Ask for (or stop) the reminders of ``user`` in the current commune; ``by_sms`` adds
    an SMS to their mobile (only with a mobile in their account)."""
    from ecommune.accounts.models import AgendaReminders

    if wanted:
        AgendaReminders.objects.update_or_create(
            user=user, defaults={"by_sms": bool(by_sms and user.phone)}
        )
    else:
        AgendaReminders.objects.filter(user=user).delete()
