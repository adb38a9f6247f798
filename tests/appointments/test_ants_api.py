"""The optional ANTS anti-duplicate API, against a local HTTP server answering recorded
responses (never a live call): a consumed number is refused next to its field, a valid one
books, and ANTS down or slow leaves the local check alone."""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from ecommune.appointments import ants_api
from ecommune.appointments.models import AppointmentSettings, Booking
from tests.appointments.conftest import at
from tests.appointments.test_views import HOST, details, slot_key

RECORDED = json.loads((Path(__file__).parent / "ants_responses" / "status.json").read_text())
TOKEN = "jeton-de-test"


class FakeAnts:
    """A local ANTS: answers /status from the recorded file; ``mode`` makes it fail."""

    def __init__(self):
        self.requests: list[dict] = []
        self.changes: list[dict] = []  # POST and DELETE /appointments
        self.mode = "ok"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlparse(self.path)
                numbers = parse_qs(url.query).get("application_ids", [])
                fake.requests.append(
                    {
                        "path": url.path,
                        "numbers": numbers,
                        "token": self.headers.get("x-rdv-opt-auth-token"),
                    }
                )
                if fake.mode == "slow":
                    time.sleep(1.5)
                if fake.mode == "down":
                    self.send_response(503)
                    self.end_headers()
                    self.wfile.write(b"Service Unavailable")
                    return
                body = {n: RECORDED[n] for n in numbers if n in RECORDED}
                body.update(
                    {n: {"status": "unknown", "appointments": []} for n in numbers if n not in body}
                )
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _change(self):
                url = urlparse(self.path)
                fake.changes.append(
                    {
                        "method": self.command,
                        "path": url.path,
                        "params": {k: v[0] for k, v in parse_qs(url.query).items()},
                        "token": self.headers.get("x-rdv-opt-auth-token"),
                    }
                )
                status, payload = (503, b"") if fake.mode == "down" else (200, b'{"success":true}')
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_DELETE = _change

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_ants():
    server = FakeAnts()
    yield server
    server.stop()


@pytest.fixture
def ants_on(commune, fake_ants):
    config = AppointmentSettings.for_site(commune.site)
    config.ants_api_url, config.ants_api_token = fake_ants.url, TOKEN
    config.save()
    return fake_ants


def test_the_client_reads_each_numbers_status_and_sends_the_key(fake_ants):
    client = ants_api.AntsApiClient(fake_ants.url, TOKEN)
    found = client.statuses(["7A2B9C4D1E", "1234567890", "ABCDE12345"])
    assert fake_ants.requests == [
        {
            "path": "/api/status",
            "numbers": ["7A2B9C4D1E", "1234567890", "ABCDE12345"],
            "token": TOKEN,
        }
    ]
    assert found["7A2B9C4D1E"].may_book and found["ABCDE12345"].may_book
    assert found["ABCDE12345"].appointments[0]["meeting_point"] == "Mairie de Commune-B"
    assert found["1234567890"].status == "consumed" and not found["1234567890"].may_book


def test_the_client_raises_when_ants_is_down(fake_ants):
    fake_ants.mode = "down"
    with pytest.raises(ants_api.AntsApiError):
        ants_api.AntsApiClient(fake_ants.url, TOKEN).statuses(["7A2B9C4D1E"])


def test_a_consumed_number_is_refused_next_to_its_field(client, commune, passport, monday, ants_on):
    page = client.post(
        "/rendez-vous/passeport/reserver/",
        {
            "slot": slot_key(passport.counters.get(), at(monday, 9)),
            **details(ants_1="7A2B9C4D1E", ants_2="1234 567 890"),
        },
        **HOST,
    )
    assert page.status_code == 200
    assert re.search(r'id="id_ants_2_error".*1234567890 a déjà servi', page.text, re.S)
    assert not Booking.unscoped.exists()
    page = client.post(
        "/rendez-vous/passeport/reserver/",
        {
            "slot": slot_key(passport.counters.get(), at(monday, 9)),
            **details(ants_1="EXPIRED001"),
        },
        **HOST,
    )
    assert re.search(r'id="id_ants_1_error".*ANTS n.accepte pas', page.text, re.S)
    assert not Booking.unscoped.exists()


def test_a_validated_number_books(client, commune, passport, monday, ants_on):
    page = client.post(
        "/rendez-vous/passeport/reserver/",
        {"slot": slot_key(passport.counters.get(), at(monday, 9)), **details(ants_1="7a2b9c4d1e")},
        **HOST,
    )
    assert page.status_code == 302
    assert Booking.unscoped.get().ants_numbers.get().number == "7A2B9C4D1E"
    assert ants_on.requests[-1]["numbers"] == ["7A2B9C4D1E"]


@pytest.mark.parametrize("mode", ["down", "slow"])
def test_ants_down_or_slow_leaves_the_local_check(
    client, commune, passport, monday, ants_on, mode, monkeypatch, caplog
):
    monkeypatch.setattr(ants_api, "TIMEOUT_SECONDS", 0.5)
    ants_on.mode = mode
    key = slot_key(passport.counters.get(), at(monday, 9))
    page = client.post(
        "/rendez-vous/passeport/reserver/", {"slot": key, **details(ants_1="1234567890")}, **HOST
    )
    assert page.status_code == 302  # ANTS could not tell: booked on the local check
    assert "local check only" in caplog.text
    key = slot_key(passport.counters.get(), at(monday, 10))
    page = client.post(
        "/rendez-vous/passeport/reserver/", {"slot": key, **details(ants_1="1234567890")}, **HOST
    )
    assert re.search(r'id="id_ants_1_error".*1234567890 a déjà un rendez-vous', page.text, re.S)
    assert Booking.unscoped.count() == 1


def test_without_the_setting_ants_is_never_asked(client, commune, passport, monday, fake_ants):
    page = client.post(
        "/rendez-vous/passeport/reserver/",
        {"slot": slot_key(passport.counters.get(), at(monday, 9)), **details(ants_1="1234567890")},
        **HOST,
    )
    assert page.status_code == 302 and fake_ants.requests == []


# Declaring the appointments (POST and DELETE /appointments) ---------------------------------


def book_passport(client, passport, start, *numbers):
    page = client.post(
        "/rendez-vous/passeport/reserver/",
        {
            "slot": slot_key(passport.counters.get(), start),
            **details(**{f"ants_{n + 1}": number for n, number in enumerate(numbers)}),
        },
        **HOST,
    )
    assert page.status_code == 302, page.content.decode()[:300]
    return Booking.unscoped.latest("pk")


def test_a_booking_is_declared_to_ants_once_committed_with_its_link(
    client, commune, passport, monday, ants_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_passport(client, passport, at(monday, 9), "7A2B9C4D1E", "ABCDE12345")
    assert [(c["method"], c["params"]["application_id"]) for c in ants_on.changes] == [
        ("POST", "7A2B9C4D1E"),
        ("POST", "ABCDE12345"),
    ]
    declared = ants_on.changes[0]
    assert declared["token"] == TOKEN and declared["path"] == "/api/appointments"
    assert declared["params"]["appointment_date"] == f"{monday.isoformat()}T09:00:00"
    assert declared["params"]["meeting_point"] == "Mairie de Commune-A — Passeports"
    assert "/rendez-vous/deplacer/" in declared["params"]["management_url"]
    entry = booking.ants_numbers.get(number="7A2B9C4D1E")
    assert entry.declared_start == at(monday, 9) and entry.sync_due_at is None


def test_a_move_withdraws_the_old_appointment_and_declares_the_new_one(
    client, commune, passport, monday, ants_on, django_capture_on_commit_callbacks
):
    from ecommune.appointments import services

    with django_capture_on_commit_callbacks(execute=True):
        booking = book_passport(client, passport, at(monday, 9), "7A2B9C4D1E")
    with django_capture_on_commit_callbacks(execute=True):
        services.move(booking, booking.counter_id, at(monday, 10))
    withdraw, declare = ants_on.changes[1:]
    assert withdraw["method"] == "DELETE"
    assert withdraw["params"] == {
        "application_id": "7A2B9C4D1E",
        "meeting_point": "Mairie de Commune-A — Passeports",
        "appointment_date": f"{monday.isoformat()}T09:00:00",
    }
    assert declare["method"] == "POST"
    assert declare["params"]["appointment_date"] == f"{monday.isoformat()}T10:00:00"
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(booking, notify_resident=False)
    assert ants_on.changes[-1]["method"] == "DELETE"
    assert ants_on.changes[-1]["params"]["appointment_date"] == f"{monday.isoformat()}T10:00:00"
    assert booking.ants_numbers.get().declared_start is None


def test_ants_down_keeps_the_booking_and_tries_again_later(
    client, commune, passport, monday, ants_on, django_capture_on_commit_callbacks, caplog
):
    from django.core.management import call_command
    from django.utils import timezone

    from ecommune.appointments.ants_declarations import sync_due

    ants_on.mode = "down"
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_passport(client, passport, at(monday, 9), "7A2B9C4D1E")
    entry = booking.ants_numbers.get()
    assert entry.active and entry.declared_start is None  # booked all the same
    assert entry.sync_attempts == 1 and "503" in entry.sync_error
    assert entry.sync_due_at > timezone.now()
    assert "tried again later" in caplog.text
    assert sync_due()["failed"] == 0  # not due yet: two minutes later
    ants_on.mode = "ok"
    assert sync_due(now=entry.sync_due_at)["in_step"] == 1
    entry.refresh_from_db()
    assert entry.declared_start == at(monday, 9) and entry.sync_attempts == 0
    assert entry.sync_error == "" and entry.sync_due_at is None
    call_command("ecommune_ants_sync")  # nothing due any more: no call
    assert [c["method"] for c in ants_on.changes] == ["POST", "POST"]


def test_without_the_api_set_up_nothing_is_declared(
    client, commune, passport, monday, fake_ants, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book_passport(client, passport, at(monday, 9), "7A2B9C4D1E")
    assert fake_ants.changes == [] and booking.ants_numbers.get().sync_due_at is None
