"""« Mon agenda »: the resident's electoral-roll deadlines, canteen change deadlines,
appointments and invoice due dates, on a page of « Mon espace » and in a private iCalendar
feed whose link can be renewed (the old one then answers 404), served only on the host of
the commune it belongs to; the page's query count does not grow with what the resident
has."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from ecommune.accounts.models import AgendaFeed
from ecommune.appointments.models import Booking, Motive
from ecommune.families import households
from ecommune.payments.models import Invoice
from ecommune.services.elections.models import Election
from ecommune.services.school import activities
from ecommune.services.school.models import Activity
from ecommune.testing.factories import UserFactory, make_counter
from tests.accounts.conftest import fr

pytestmark = pytest.mark.django_db

AGENDA = reverse("ecommune_accounts:agenda")
LINK = reverse("ecommune_accounts:agenda_link")
#: Monday 1 March 2027, 10:00 in Paris.
NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def resident(commune):
    return UserFactory(email="camille@example.org", first_name="Camille", last_name="Martin")


@pytest.fixture
def neighbour(commune):
    return UserFactory(email="dominique@example.org", first_name="Dominique", last_name="Roy")


@pytest.fixture
def election(commune):
    # First round Sunday 13 June 2027: the deadline is the 6th Friday before, 7 May 2027.
    return Election.objects.create(
        name="élections législatives de juin 2027",
        kind="legislative",
        first_round=datetime.date(2027, 6, 13),
    )


_numbers = iter(range(1, 10_000))


def give(commune, user, first_name):
    """An appointment, an invoice to pay and a child at the canteen for ``user``."""
    number = next(_numbers)
    counter = make_counter(commune)
    motive = Motive.objects.create(name="Carte d'identité", slug=f"cni-{number}")
    start = datetime.datetime(2027, 3, 10, 8, 30, tzinfo=datetime.UTC)  # 9 h 30 in Paris
    Booking.objects.create(
        reference=f"RDV{number:05d}",
        motive=motive,
        counter=counter,
        start=start,
        end=start + datetime.timedelta(minutes=15),
        first_name=user.first_name,
        last_name=user.last_name,
        user=user,
    )
    household = households.get_or_create_household(user, commune)
    Invoice.objects.create(
        household=household,
        number=f"F2027-{number:05d}",
        issued_on=datetime.date(2027, 2, 28),
        due_on=datetime.date(2027, 3, 31),
        total=Decimal("42.50"),
        payer_name=f"{user.first_name} {user.last_name}",
    )
    child = households.add_child(
        household, first_name=first_name, last_name="X", birth_date=datetime.date(2019, 5, 1)
    )
    canteen = Activity.objects.filter(kind="canteen").first() or Activity.objects.create(
        name="Cantine", kind="canteen", weekdays=[0, 1, 3, 4]
    )
    activities.enrol(child, canteen, 2026, [0, 1, 3, 4])
    return household


def feed_url(client) -> str:
    """The private link shown on the page (created first if need be)."""
    page = client.get(AGENDA).content.decode()
    if 'id="agenda-link"' not in page:
        client.post(LINK, {"action": "renew"})
        page = client.get(AGENDA).content.decode()
    match = re.search(r'id="agenda-link"[^>]*value="http://[^/"]+(/[^"]+)"', page)
    assert match, page
    return match.group(1)


def test_my_space_links_my_agenda(client, resident):
    client.force_login(resident)
    page = client.get(reverse("ecommune_accounts:space")).content.decode()
    assert f'href="{AGENDA}"' in page and fr("My agenda") in page


def test_the_page_lists_the_residents_dates_in_french_and_never_a_neighbours(
    client, commune, resident, neighbour, election
):
    give(commune, resident, "Léo")
    give(commune, neighbour, "Zoé")
    client.force_login(resident)
    response = client.get(AGENDA)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>" + fr("My agenda") + "</h1>" in page
    # The electoral-roll deadline, a whole day.
    assert '<time datetime="2027-05-07">vendredi 7 mai 2027</time>' in page
    assert "élections législatives de juin 2027" in page
    # The appointment, with its time written the French way.
    assert re.search(
        r'<time datetime="2027-03-10T09:30:00\+01:00">mercredi 10 mars 2027 à 9 h 30</time>', page
    )
    # The invoice's due date and what is left to pay.
    assert '<time datetime="2027-03-31">mercredi 31 mars 2027</time>' in page
    assert "F2027-" in page and "42,50" in page
    # Thursday 4 March's canteen day can be changed until Monday 1 March (midnight on the
    # Tuesday, two working days before); Monday 1 and Tuesday 2 March are too late.
    assert "Léo" in page and "jeudi 4 mars 2027" in page
    assert "lundi 1 mars 2027" not in page.split("Léo", 1)[1].split("</li>", 1)[0]
    # Nothing of the neighbour's.
    assert "Zoé" not in page and "Dominique" not in page
    assert page.count("F2027-") == 1
    # Coming dates first, in a list.
    assert page.index("2027-03-01") < page.index("2027-03-10") < page.index("2027-05-07")
    assert '<ul class="ec-agenda"' in page


def test_the_page_needs_a_signed_in_resident(client, commune):
    response = client.get(AGENDA)
    assert response.status_code == 302 and reverse("ecommune_accounts:login") in response.url


def test_the_page_costs_the_same_queries_whatever_the_resident_has(
    client, commune, resident, election, django_assert_max_num_queries
):
    give(commune, resident, "Léo")
    client.force_login(resident)
    client.post(LINK, {"action": "renew"})
    client.get(AGENDA)  # the first page of a process fills caches (theme, content types)
    reset_queries()  # the log keeps 9000 queries: the setup's must not push the count out
    with CaptureQueriesContext(connection) as first:
        assert client.get(AGENDA).status_code == 200
    counted = len(first)
    assert counted > 0
    for name in ("Zoé", "Jules", "Inès"):
        give(commune, resident, name)
    Election.objects.create(
        name="élection présidentielle de 2027",
        kind="presidential",
        first_round=datetime.date(2027, 4, 11),
    )
    client.get(AGENDA)
    reset_queries()
    with django_assert_max_num_queries(counted):
        assert client.get(AGENDA).status_code == 200


def test_the_feed_has_the_residents_dates_only(client, commune, resident, neighbour, election):
    give(commune, resident, "Léo")
    give(commune, neighbour, "Zoé")
    client.force_login(resident)
    url = feed_url(client)
    client.logout()  # calendar applications do not sign in
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    summaries = [str(event["summary"]) for event in events.values()]
    assert any("élections législatives de juin 2027" in text for text in summaries)
    election_event = next(e for e in events.values() if "législatives" in str(e["summary"]))
    assert election_event.decoded("dtstart") == datetime.date(2027, 5, 7)
    appointment = next(e for e in events.values() if str(e["uid"]).startswith("appointment-"))
    assert appointment.decoded("dtstart") == datetime.datetime(
        2027, 3, 10, 8, 30, tzinfo=datetime.UTC
    )
    invoice = next(e for e in events.values() if str(e["uid"]).startswith("invoice-"))
    assert invoice.decoded("dtstart") == datetime.date(2027, 3, 31)
    assert any("Léo" in text for text in summaries)
    assert not any("Zoé" in text for text in summaries)
    assert sum(uid.startswith("invoice-") for uid in events) == 1
    assert sum(uid.startswith("appointment-") for uid in events) == 1
    # The neighbour's own link gives theirs, not the resident's.
    client.force_login(neighbour)
    theirs = Calendar.from_ical(client.get(feed_url(client)).content)
    assert any("Zoé" in str(event["summary"]) for event in theirs.walk("VEVENT"))
    assert not any("Léo" in str(event["summary"]) for event in theirs.walk("VEVENT"))


def test_renewing_the_link_revokes_the_old_one(client, commune, resident, election):
    client.force_login(resident)
    old = feed_url(client)
    assert client.get(old).status_code == 200
    response = client.post(LINK, {"action": "renew"}, follow=True)
    assert fr("Your calendar has a new link: the old one no longer works.") in (
        response.content.decode()
    )
    new = feed_url(client)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    # The database keeps a hash, never the link's key.
    feed = AgendaFeed.objects.get(user=resident)
    key = new.rsplit("/", 1)[1].removesuffix(".ics")
    assert key not in (feed.key_hash, feed.nonce)
    # Deleting the link: the feed is gone.
    client.post(LINK, {"action": "revoke"})
    assert client.get(new).status_code == 404
    assert not AgendaFeed.objects.filter(user=resident).exists()


def test_an_unknown_key_gives_404(client, commune):
    assert client.get(reverse("ecommune_accounts:agenda_feed", args=["0" * 64])).status_code == 404
    assert client.get(reverse("ecommune_accounts:agenda_feed", args=["x"])).status_code == 404


def test_another_communes_host_gives_404(client, commune, other_commune, resident, election):
    give(commune, resident, "Léo")
    client.force_login(resident)
    url = feed_url(client)
    assert client.get(url).status_code == 200
    assert client.get(url, HTTP_HOST="commune-b.test").status_code == 404


def test_the_link_is_renewed_only_by_a_post(client, commune, resident):
    client.force_login(resident)
    assert client.get(LINK).status_code == 405
    assert not AgendaFeed.objects.filter(user=resident).exists()


# Reminders by email, a few days before each date (opt-in).


def test_reminders_go_only_to_residents_who_asked_and_only_once(
    client, commune, resident, neighbour, election, mailoutbox, django_capture_on_commit_callbacks
):
    from ecommune.notifications.agenda_reminders import send_due_reminders
    from ecommune.notifications.models import OutboxMessage

    give(commune, resident, "Léo")
    give(commune, neighbour, "Zoé")  # the neighbour did not ask: no email
    client.force_login(resident)
    page = client.post(
        reverse("ecommune_accounts:agenda_reminders"), {"reminders": "on"}, follow=True
    ).content.decode()
    assert fr("You will get an email before each date.") in page
    assert 'value="off"' in page
    # Three days before the appointment of Wednesday 10 March 2027 at 9 h 30.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(datetime.date(2027, 3, 7)) == 1
        send_due_reminders(datetime.date(2027, 3, 7))  # run twice: nothing more
    messages = OutboxMessage.objects.filter(event="agenda.reminder")
    assert [message.recipient for message in messages] == [resident.email]
    body = messages.get().body
    assert "mercredi 10 mars 2027" in body and "9 h 30" in body
    assert "/compte/agenda/" in body
    # Stopping them: none the next time.
    client.post(reverse("ecommune_accounts:agenda_reminders"), {"reminders": "off"})
    assert send_due_reminders(datetime.date(2027, 3, 28)) == 0  # the invoice's, 31 March
    # A date three days ahead for the neighbour, who never asked: still nothing for them.
    assert not OutboxMessage.objects.filter(recipient=neighbour.email).exists()


def test_a_family_reads_the_school_enrolment_period_and_others_do_not(
    client, commune, resident, neighbour
):
    from ecommune.services.school.models import EnrolmentPeriod

    commune.enabled_services = sorted({*(commune.enabled_services or []), "school"})
    commune.save()
    EnrolmentPeriod.objects.create(
        school_year=2027, opens_on=datetime.date(2027, 3, 15), closes_on=datetime.date(2027, 4, 30)
    )
    # Already open: only its last day is ahead.
    EnrolmentPeriod.objects.create(
        school_year=2028, opens_on=datetime.date(2027, 2, 1), closes_on=datetime.date(2027, 6, 30)
    )
    # Over: not shown.
    EnrolmentPeriod.objects.create(
        school_year=2026, opens_on=datetime.date(2026, 3, 1), closes_on=datetime.date(2026, 4, 30)
    )
    give(commune, resident, "Léo")
    client.force_login(resident)
    page = client.get(AGENDA).content.decode()
    assert fr("School enrolments for %(year)s open") % {"year": "2027-2028"} in page
    assert '<time datetime="2027-03-15">lundi 15 mars 2027</time>' in page
    assert fr("Last day of school enrolments for %(year)s") % {"year": "2027-2028"} in page
    assert '<time datetime="2027-04-30">' in page
    assert fr("Last day of school enrolments for %(year)s") % {"year": "2028-2029"} in page
    assert fr("School enrolments for %(year)s open") % {"year": "2028-2029"} not in page
    assert "2026-2027" not in page
    assert 'href="/demarches/school/"' in page
    ics = client.get(feed_url(client)).content.decode()
    assert "2027-2028" in ics
    # A resident without children in the commune has no enrolment dates.
    client.force_login(neighbour)
    assert "2027-2028" not in client.get(AGENDA).content.decode()


def test_a_resident_with_a_mobile_may_get_the_reminders_by_sms_too(
    client, commune, resident, django_capture_on_commit_callbacks
):
    from ecommune.notifications.agenda_reminders import send_due_reminders
    from ecommune.notifications.models import OutboxMessage

    give(commune, resident, "Léo")
    client.force_login(resident)
    page = client.get(AGENDA).content.decode()
    assert 'value="on_sms"' not in page  # no mobile in the account yet
    assert reverse("ecommune_accounts:profile") in page
    resident.phone = "+33612345678"
    resident.save()
    assert "06 12 34 56 78" in client.get(AGENDA).content.decode()
    page = client.post(
        reverse("ecommune_accounts:agenda_reminders"), {"reminders": "on_sms"}, follow=True
    ).content.decode()
    assert fr("You will get an email and an SMS before each date.") in page
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(datetime.date(2027, 3, 7))
    sent = OutboxMessage.objects.filter(event="agenda.reminder")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms"]
    sms = sent.get(channel="sms")
    assert sms.recipient.endswith("612345678")
    assert "mercredi 10 mars 2027" in sms.body and "9 h 30" in sms.body
    assert len(sms.body) <= 320
    # Email only again: the next reminder has no SMS.
    client.post(reverse("ecommune_accounts:agenda_reminders"), {"reminders": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        send_due_reminders(datetime.date(2027, 3, 28))
    assert not OutboxMessage.objects.filter(event="agenda.reminder", channel="sms").exclude(
        pk=sms.pk
    )


def test_the_link_of_a_closed_or_deleted_account_gives_404(client, commune, resident, election):
    client.force_login(resident)
    url = feed_url(client)
    assert client.get(url).status_code == 200
    client.logout()
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404
    resident.delete()
    assert client.get(url).status_code == 404
