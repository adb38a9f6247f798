"""The kiosk's SMS opt-in: a French mobile checked next to the field, the SMS queued in the
outbox when three people are left before the ticket, and a provider down retried while the
ticket keeps its place."""

import sms
from django.test import override_settings
from sms.backends.base import BaseSmsBackend

from ecommune.appointments import queue
from ecommune.appointments.models import Desk, QueueTicket, TicketStatus
from ecommune.core import tenancy
from ecommune.notifications.models import OutboxMessage, Status
from ecommune.notifications.services import send_due_messages
from tests.appointments.test_reminders import BEFORE

HOST = {"HTTP_HOST": "commune-a.test"}


class DownSmsBackend(BaseSmsBackend):
    def send_messages(self, messages):
        raise ConnectionError("SMS provider unreachable")


def kiosk(client, counter, phone=""):
    return client.post(f"/file-attente/borne/{counter.pk}/", {"phone": phone}, **HOST)


def test_the_kiosk_offers_the_sms_and_checks_the_number_next_to_the_field(client, commune, counter):
    page = client.get(f"/file-attente/borne/{counter.pk}/", **HOST)
    assert 'name="phone"' in page.text and "il reste 3 personnes avant vous" in page.text
    page = kiosk(client, counter, "01 40 00 00 00")
    assert page.status_code == 200
    assert 'id="id_phone_error"' in page.text and 'aria-invalid="true"' in page.text
    assert "portable" in page.text.split('id="id_phone_error"')[1][:300]
    assert not QueueTicket.unscoped.exists()  # a wrong number takes no ticket
    page = kiosk(client, counter, "06 12 34 56 78")
    ticket = QueueTicket.unscoped.get()
    assert ticket.phone == "06 12 34 56 78"
    assert '<p class="ec-ticket-number">1</p>' in page.text
    assert "Nous enverrons un SMS au 06 12 34 56 78" in page.text
    page = kiosk(client, counter)
    assert '<p class="ec-ticket-number">2</p>' in page.text
    assert QueueTicket.unscoped.get(number=2).phone == ""


def test_the_sms_is_queued_when_three_are_left_and_a_provider_down_keeps_the_ticket(
    client, commune, counter, django_capture_on_commit_callbacks
):
    with tenancy.using(commune):
        desk = Desk.objects.create(counter=counter, name="Poste 1", is_open=True)
    for n in range(5):
        kiosk(client, counter, "06 12 34 56 78" if n == 4 else "")
    texted = QueueTicket.unscoped.get(number=5)
    assert not OutboxMessage.unscoped.filter(event="queue.turn_near").exists()  # 4 before
    with (
        override_settings(SMS_BACKEND=f"{__name__}.DownSmsBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queue.call_next(desk)  # 1 called: 2, 3 and 4 are left before number 5
    message = OutboxMessage.unscoped.get(event="queue.turn_near")
    assert message.recipient.replace(" ", "").endswith("612345678")
    assert "ticket n° 5" in message.body
    assert message.status == Status.PENDING and message.attempts == 1
    assert "unreachable" in message.last_error
    texted.refresh_from_db()
    assert texted.status == TicketStatus.WAITING and texted.notified_near
    # The provider is back: the retry sends it, once, and the ticket is still in line.
    sms.outbox = []
    with override_settings(SMS_BACKEND="sms.backends.locmem.SmsBackend"):
        OutboxMessage.unscoped.filter(pk=message.pk).update(next_attempt_at=BEFORE)
        send_due_messages()
        message.refresh_from_db()
        assert message.status == Status.SENT and len(sms.outbox) == 1
        queue.call_next(desk)
    assert OutboxMessage.unscoped.filter(event="queue.turn_near").count() == 1
    texted.refresh_from_db()
    assert texted.status == TicketStatus.WAITING
    assert queue.ticket_status(texted)["ahead"] == 2
