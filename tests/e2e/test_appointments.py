"""A resident books a passport appointment in Chromium on a phone-sized screen, with and
without JavaScript: motive, next free slot, the pre-demand number (refused, then accepted
next to its field), confirmation with the .ics, then moves it with the signed link. Then
the waiting-time pages while an agent calls tickets. Every page passes axe-core."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from ecommune.appointments import queue
from ecommune.appointments.models import Booking, Counter, Desk
from ecommune.demo.seed import seed_demo
from ecommune.notifications.models import OutboxMessage
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, name):
    if not page.context_javascript:
        return  # axe and evaluate are scripts: the JavaScript run checks the same pages
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"commune-rdv-{name}-360.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_resident_books_a_passport_appointment_and_moves_it(
    live_server, page_at, tmp_path, javascript
):
    seed_demo(tmp_path / "credentials.json")
    page = page_at(360, java_script_enabled=javascript)
    page.context_javascript = javascript
    page.goto(live_server.url + "/rendez-vous/")
    assert page.get_by_role("heading", level=1).inner_text() == "Prendre rendez-vous"
    check(page, "motives")
    page.get_by_role("link", name="Dépôt de demande de passeport").click()
    assert "Pièces à apporter" in page.content()
    check(page, "slots")
    when = page.locator(".ec-next-slot__when").inner_text()
    page.get_by_role("link", name=re.compile("^Choisir ce créneau")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vos coordonnées"
    assert when.split(" à ")[0].lower() in page.locator(".ec-summary").inner_text().lower()

    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label("Nom :", exact=True).fill("Martin")
    page.get_by_label("Courriel").fill("camille.martin@example.org")
    page.get_by_label("Numéro de pré-demande, personne 1").fill("123")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    field = page.get_by_label("Numéro de pré-demande, personne 1")
    assert field.get_attribute("aria-invalid") == "true"
    assert "10 lettres et chiffres" in page.locator("#id_ants_1_error").inner_text()
    check(page, "details-error")
    field.fill("7a2b9c4d1e")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre rendez-vous est confirmé"
    reference = page.locator(".ec-reference").inner_text()
    assert re.fullmatch(r"RDV-[A-Z0-9]{6}", reference)
    assert "7A2B9C4D1E" in page.content()
    check(page, "confirmation")
    message = OutboxMessage.unscoped.get(event="appointment.booked")
    assert message.attachments[0]["content"].startswith("BEGIN:VCALENDAR")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda (fichier .ics)").click()
    assert "BEGIN:VEVENT" in download.value.path().read_text()

    booking = Booking.unscoped.get(reference=reference)
    page.get_by_role("link", name="Déplacer ce rendez-vous").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Déplacer le rendez-vous"
    check(page, "move")
    page.locator(".ec-week .ec-slot").nth(3).click()
    check(page, "move-confirm")
    page.get_by_role("button", name="Déplacer mon rendez-vous à cet horaire").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Votre rendez-vous est confirmé"
    moved = Booking.unscoped.get(pk=booking.pk)
    assert moved.reference == reference and moved.start != booking.start
    assert OutboxMessage.unscoped.filter(event="appointment.moved").count() == 1


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_waiting_time_while_an_agent_calls_tickets(live_server, page_at, tmp_path, javascript):
    seed_demo(tmp_path / "credentials.json")
    counter = Counter.unscoped.get(name="Accueil État civil")
    desk = Desk.unscoped.get(counter=counter)
    queue.set_desk_open(desk, True)
    for _ in range(3):
        queue.take_ticket(counter)
    page = page_at(360, java_script_enabled=javascript)
    page.context_javascript = javascript
    page.goto(live_server.url + "/file-attente/")
    assert page.get_by_role("heading", level=1).inner_text() == "Temps d’attente aux guichets"
    assert "environ 30 min" in page.content()
    check(page, "queue")

    kiosk = page_at(360, java_script_enabled=javascript)
    kiosk.context_javascript = javascript
    kiosk.goto(live_server.url + f"/file-attente/guichet/{counter.pk}/")
    check(kiosk, "queue-counter")
    kiosk.get_by_role("button", name="Prendre un ticket").click()
    assert kiosk.locator(".ec-ticket-number").inner_text() == "4"
    assert "3 personnes avant vous" in kiosk.content()
    check(kiosk, "ticket")
    for _ in range(4):
        queue.call_next(desk)
    kiosk.reload()
    assert "C’est votre tour" in kiosk.content()
    page.reload()
    assert "pas d’attente" in page.content()


def test_the_agent_sees_the_appointment_in_the_day_view(live_server, page_at, tmp_path):
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from ecommune.accounts.models import User
    from ecommune.appointments import services
    from ecommune.appointments.models import Motive
    from ecommune.appointments.slots import free_slots
    from ecommune.demo.seed import AGENT_EMAIL
    from ecommune.testing.otp import login_agent

    seed_demo(tmp_path / "credentials.json")
    motive = Motive.unscoped.get(slug="passeport")
    _first, _last, notice = services.booking_window(motive.commune)
    slot = free_slots(
        motive,
        timezone.localdate(),
        timezone.localdate() + datetime.timedelta(days=14),
        min_notice=notice,
    )[0]
    booking = services.book(
        motive=motive,
        counter_id=slot.counter.pk,
        start=slot.start,
        first_name="Camille",
        last_name="Martin",
        email="camille.martin@example.org",
        ants_numbers=["7A2B9C4D1E"],
    )
    client = Client()
    login_agent(client, User.objects.get(email=AGENT_EMAIL))
    page = page_at(1280)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    day = timezone.localtime(booking.start).date().isoformat()
    page.goto(f"{live_server.url}/admin/rendez-vous/?guichet={slot.counter.pk}&jour={day}")
    table = page.locator("table.listing").inner_text()
    assert "Camille Martin" in table and "7A2B9C4D1E" in table
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "commune-rdv-agent-day.png"), full_page=True)
    page.get_by_role("link", name="Version imprimable").click()
    assert "7A2B9C4D1E" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "commune-rdv-agent-print.png"), full_page=True)


@pytest.mark.parametrize("theme", ["commune", "dsfr"])
def test_the_home_page_shows_the_wait_and_the_next_appointment(
    live_server, page_at, tmp_path, theme
):
    from django.core.cache import cache

    from ecommune.core.models import Commune

    seed_demo(tmp_path / "credentials.json")
    cache.clear()
    Commune.unscoped.update(theme=theme)
    counter = Counter.unscoped.get(name="Accueil État civil")
    queue.set_desk_open(Desk.unscoped.get(counter=counter), True)
    for _ in range(2):
        queue.take_ticket(counter)
    for width in (360, 1280):
        page = page_at(width)
        page.goto(live_server.url + "/")
        block = page.locator(".ec-home-counters")
        assert "Accueil État civil" in block.inner_text()
        assert "environ 20 min" in block.inner_text()
        when = block.locator(".ec-next-slot__when").inner_text()
        assert re.fullmatch(
            r"(lundi|mardi|mercredi|jeudi|vendredi|samedi) \d{1,2} \w+ à \d{1,2}\s+h\s+\d{2}", when
        ), when
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{theme}-home-rdv-{width}.png"), full_page=True)
        violations = axe_violations(page)
        assert violations == [], describe(violations)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="Prendre rendez-vous").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.url.endswith("/rendez-vous/")


def test_the_kiosk_takes_a_ticket_with_an_sms_opt_in(live_server, page_at, tmp_path):
    seed_demo(tmp_path / "credentials.json")
    counter = Counter.unscoped.get(name="Accueil État civil")
    page = page_at(1280)
    page.goto(live_server.url + f"/file-attente/borne/{counter.pk}/")
    page.get_by_label("Mobile (facultatif)").fill("01 40 00 00 00")
    page.get_by_role("button", name="Prendre un ticket").click()
    assert "n'est pas un numéro de portable" in page.locator("#id_phone_error").inner_text()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.get_by_label("Mobile (facultatif)").fill("06 12 34 56 78")
    page.get_by_role("button", name="Prendre un ticket").click()
    assert page.locator(".ec-ticket-number").inner_text() == "1"
    assert "Nous enverrons un SMS au 06 12 34 56 78" in page.content()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "commune-rdv-kiosk-1280.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
