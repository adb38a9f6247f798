"""The live queue: tickets, desks calling the next one, the estimated wait, the public pages."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from ecommune.appointments import queue
from ecommune.appointments.models import Desk, QueueTicket, TicketStatus
from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage

HOST = {"HTTP_HOST": "commune-a.test"}
# Mid-morning in Paris: the services "an hour ago" fall on the same local day whatever the
# hour the suite runs (at half past midnight, an hour ago was yesterday's queue).
MORNING = datetime.datetime(2027, 3, 9, 11, 30, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def desks(commune, counter):
    with tenancy.using(commune):
        return [Desk.objects.create(counter=counter, name=f"Poste {n}") for n in (1, 2)]


def test_tickets_are_numbered_per_counter_and_day(commune, counter):
    numbers = [queue.take_ticket(counter).number for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_calling_the_next_serves_in_order_and_two_desks_never_share_a_ticket(
    commune, counter, desks
):
    for _ in range(3):
        queue.take_ticket(counter)
    first = queue.call_next(desks[0])
    second = queue.call_next(desks[1])
    assert (first.number, second.number) == (1, 2)
    third = queue.call_next(desks[0])
    assert third.number == 3
    assert QueueTicket.unscoped.get(number=1).status == TicketStatus.DONE
    assert queue.call_next(desks[0]) is None
    assert QueueTicket.unscoped.get(number=3).status == TicketStatus.DONE


@time_machine.travel(MORNING, tick=False)
def test_the_estimate_uses_open_desks_and_recent_service_times(commune, counter, desks):
    assert queue.counter_status(counter)["wait_minutes"] is None  # no desk open
    queue.set_desk_open(desks[0], True)
    for _ in range(10):
        queue.take_ticket(counter)
    # No service yet: the default of 10 minutes per person.
    assert queue.counter_status(counter)["wait_minutes"] == 100
    start = timezone.now() - datetime.timedelta(hours=1)
    for n in range(6):
        queue.call_next(desks[0], now=start + datetime.timedelta(minutes=4 * n))
    # Five services of 4 minutes finished: the median is 4 minutes; 5 people left, one desk.
    status = queue.counter_status(counter)
    assert status["waiting"] == 4
    assert status["service_minutes"] == 4.0
    assert status["wait_minutes"] == 20
    queue.set_desk_open(desks[1], True)
    assert queue.counter_status(counter)["wait_minutes"] == 10


@time_machine.travel(MORNING, tick=False)
def test_one_long_service_does_not_make_the_estimate_jump(commune, counter, desks):
    queue.set_desk_open(desks[0], True)
    for _ in range(12):
        queue.take_ticket(counter)
    start = timezone.now() - datetime.timedelta(hours=2)
    moments = [0, 5, 10, 15, 20, 25, 70]  # the 6th service lasted 45 minutes
    for minutes in moments:
        queue.call_next(desks[0], now=start + datetime.timedelta(minutes=minutes))
    assert queue.typical_service_minutes(counter) == 5.0


def test_an_sms_when_three_people_are_left_before_you(commune, counter, desks):
    for n in range(6):
        queue.take_ticket(counter, phone="06 12 34 56 78" if n == 4 else "")
    queue.call_next(desks[0])  # 1 called; 2, 3, 4 wait before number 5
    assert OutboxMessage.unscoped.filter(event="queue.turn_near").count() == 1
    queue.call_next(desks[0])
    assert OutboxMessage.unscoped.filter(event="queue.turn_near").count() == 1


def test_public_pages_and_json(client, commune, counter, desks):
    queue.set_desk_open(desks[0], True)
    page = client.get("/file-attente/", **HOST)
    assert page.status_code == 200
    # No self-reloading page (WCAG 2.2.1): a link without JavaScript, a static script with.
    assert 'http-equiv="refresh"' not in page.text
    assert "queue-live.js" in page.text and "Actualiser les chiffres" in page.text
    assert "pas d’attente" in page.text
    page = client.post(f"/file-attente/guichet/{counter.pk}/", {"phone": ""}, **HOST)
    ticket = QueueTicket.unscoped.get()
    assert page["Location"] == f"/file-attente/ticket/{ticket.secret}/"
    page = client.get(page["Location"], **HOST)
    assert "Votre ticket" in page.text and "0 personne avant vous" in page.text
    page = client.post(f"/file-attente/guichet/{counter.pk}/", {"phone": "01 23"}, **HOST)
    assert page.status_code == 200 and 'id="id_phone_error"' in page.text
    data = json.loads(client.get("/file-attente/donnees.json", **HOST).content)
    assert data["counters"][0] == {
        "id": counter.pk,
        "name": "Passeports",
        "waiting": 1,
        "open_desks": 1,
        "wait_minutes": 10,
        "called": [],
    }
    kiosk = client.post(f"/file-attente/borne/{counter.pk}/", **HOST)
    assert '<p class="ec-ticket-number">2</p>' in kiosk.text
    # The widget other sites frame is now one of ecommune.widgets' (tests/widgets/).
    widget = client.get("/file-attente/widget/", follow=True, **HOST)
    assert widget.redirect_chain == [("/widgets/attente/", 301)]
    assert "Passeports" in widget.text and "about 10 min" not in widget.text
    assert "frame-ancestors 'self'" in widget["Content-Security-Policy"]
    assert "X-Frame-Options" not in widget
