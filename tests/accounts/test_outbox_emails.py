"""Account emails go through the outbox like every other message: with the mail server down,
sign-up, password reset (residents' and agents') and a new verification link answer as usual,
and the mail leaves once the server is back. A real SMTP server on 127.0.0.1 (aiosmtpd)."""

import datetime
import email
import re
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ecommune.notifications.events import events
from ecommune.notifications.models import OutboxMessage, Status
from ecommune.notifications.services import deliver
from ecommune.testing.factories import AgentFactory, UserFactory
from ecommune.testing.otp import login_agent
from tests.accounts.conftest import PASSWORD
from tests.notifications.conftest import SmtpHandler, free_port, use_smtp_server

SRC = Path(__file__).resolve().parents[2] / "src" / "ecommune"
HOST = {"HTTP_HOST": "commune-a.test"}


@pytest.fixture
def smtp_port(settings):
    """The site's mail server: nothing listens there until ``start_smtp``."""
    port = free_port()
    use_smtp_server(settings, "127.0.0.1", port)
    return port


def start_smtp(port):
    handler = SmtpHandler()
    handler.refuse = False
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler


def text_of(envelope) -> str:
    message = email.message_from_bytes(envelope.content)
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def link(text: str, path_prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S*)", text)
    assert match, text
    return match.group(1)


@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_down_account_pages_answer_and_the_mail_leaves_later(
    commune, smtp_port
):
    # A real request each: the transaction commits and the outbox's task runs at once
    # (the test settings' immediate backend), against a mail server that is down.
    browser = Client(raise_request_exception=False, **HOST)
    resident = UserFactory(email="camille@example.org")
    unverified = UserFactory(email="lea@example.org", email_verified_at=None)
    agent = AgentFactory(commune=commune, user__email="agent@mairie-a.test").user

    signup = browser.post(
        "/compte/inscription/",
        {
            "first_name": "Inès",
            "last_name": "Roux",
            "email": "ines@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert signup.status_code == 302 and signup["Location"] == "/compte/inscription/envoyee/"
    reset = browser.post("/compte/mot-de-passe/oubli/", {"email": resident.email})
    assert reset.status_code == 302
    resend = browser.post("/compte/verification/renvoyer/", {"email": unverified.email})
    assert resend.status_code == 200
    agent_reset = browser.post("/admin/password_reset/", {"email": agent.email})
    assert agent_reset.status_code == 302

    queued = OutboxMessage.unscoped.order_by("pk")
    assert [(m.recipient, m.event) for m in queued] == [
        ("ines@example.org", "accounts.verify_email"),
        ("camille@example.org", "accounts.password_reset"),
        ("lea@example.org", "accounts.verify_email"),
        ("agent@mairie-a.test", "accounts.password_reset"),
    ]
    for message in queued:
        assert message.commune == commune
        assert (message.status, message.attempts) == (Status.PENDING, 1)
        assert "Connection refused" in message.last_error or "Errno" in message.last_error

    controller, server = start_smtp(smtp_port)
    try:
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=True):
            call_command("ecommune_send_outbox", verbosity=0)
    finally:
        controller.stop()

    assert [m.status for m in OutboxMessage.unscoped.all()] == [Status.SENT] * 4
    received = {envelope.rcpt_tos[0]: text_of(envelope) for envelope in server.received}
    assert set(received) == {
        "ines@example.org",
        "camille@example.org",
        "lea@example.org",
        "agent@mairie-a.test",
    }
    assert "Commune-A" in received["ines@example.org"]
    # The links work once they arrive.
    verified = browser.get(link(received["ines@example.org"], "/compte/verification/"))
    assert verified.status_code == 200
    new_password = browser.get(
        link(received["camille@example.org"], "/compte/mot-de-passe/nouveau/"), follow=True
    )
    assert new_password.context["validlink"]
    agent_link = link(received["agent@mairie-a.test"], "/admin/password_reset/confirm/")
    assert browser.get(agent_link, follow=True).context["validlink"]


def test_a_password_link_is_hidden_from_agents_reading_the_outbox_and_forgotten_once_sent(
    client, commune, resident
):
    from django.contrib.auth.models import Permission

    agent = AgentFactory(commune=commune, user__email="agent@mairie-a.test")
    agent.user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="ecommune_notifications", codename="view_outboxmessage"
        )
    )
    client.post("/compte/mot-de-passe/oubli/", {"email": resident.email}, **HOST)
    message = OutboxMessage.unscoped.get(event="accounts.password_reset")
    secret = link(message.body, "/compte/mot-de-passe/nouveau/")

    login_agent(client, agent.user)
    page = client.get(f"/admin/ecommune_outbox/inspect/{message.pk}/", **HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert resident.email in html and secret not in html
    assert "lien personnel" in html

    deliver(message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENT and secret not in message.body


def test_account_emails_are_the_kits_wording_and_communes_cannot_replace_it(commune):
    from ecommune.notifications.forms import NotificationTemplateForm

    account_events = [event for event in events if event.key.startswith("accounts.")]
    assert {event.key for event in account_events} >= {
        "accounts.verify_email",
        "accounts.password_reset",
        "accounts.already_registered",
        "accounts.account_deleted",
    }
    offered = dict(NotificationTemplateForm().fields["event"].choices)
    assert not any(key in offered for key in (event.key for event in account_events))
    assert events.get("accounts.password_reset").confidential
    assert events.get("accounts.verify_email").confidential


# Every way Django or a provider library sends mail or SMS at once, bypassing the outbox.
DIRECT_SENDING = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|EmailMultiAlternatives"
    r"|send_sms|send_messages)\b|\bmail\.get_connection\b|\bsms\.Message\b"
    r"|\.send\(\s*fail_silently"
)
# The outbox's own sending, and the form method Django calls (overridden to queue).
ALLOWED = {
    "notifications/services.py": {"EmailMultiAlternatives", "sms.Message", ".send(fail_silently"},
    "accounts/forms.py": {"send_mail"},
    # ``ecommune doctor`` opens and closes a connection to test the mail server.
    "core/doctor.py": {"mail.get_connection"},
    # The Brevo backend: django-sms calls its ``send_messages`` from the outbox's sending.
    "notifications/sms_brevo.py": {"send_messages"},
}


def test_nothing_in_the_kit_sends_mail_or_sms_but_the_outbox():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative or relative.startswith("scaffold/"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in DIRECT_SENDING.finditer(line):
                token = match.group(0).replace(" ", "")
                if not any(token.startswith(ok) for ok in ALLOWED.get(relative, ())):
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


def test_every_password_reset_form_the_kit_serves_queues_to_the_outbox():
    from django.conf import settings
    from django.contrib.auth.forms import PasswordResetForm
    from django.urls import get_resolver

    from ecommune.accounts.forms import OutboxPasswordResetMixin

    forms = []
    for view_class in _view_classes(get_resolver().url_patterns):
        form_class = getattr(view_class, "form_class", None)
        if view_class.__module__.startswith("wagtail.") and "PasswordReset" in view_class.__name__:
            from wagtail.admin.views.account import get_password_reset_form

            form_class = get_password_reset_form()
        if isinstance(form_class, type) and issubclass(form_class, PasswordResetForm):
            forms.append(form_class)
    assert len(forms) >= 2, forms  # the residents' page and the back office's
    assert all(issubclass(form, OutboxPasswordResetMixin) for form in forms), forms
    assert settings.WAGTAILADMIN_USER_PASSWORD_RESET_FORM


def _view_classes(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _view_classes(pattern.url_patterns)
            continue
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is not None:
            yield view_class
