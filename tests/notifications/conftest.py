"""Fixtures of the notification tests: a real SMTP server on 127.0.0.1, SMS in memory."""

import socket

import django
import pytest
import sms
from aiosmtpd.controller import Controller

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def use_smtp_server(settings, host: str, port: int) -> None:
    """Point Django's mail API at an SMTP server: ``EMAIL_*`` up to Django 6.0, ``MAILERS`` on
    Django 6.1 (where the two may not be mixed)."""
    if django.VERSION >= (6, 1):
        settings.MAILERS = {
            "default": {
                "BACKEND": SMTP_BACKEND,
                "OPTIONS": {"host": host, "port": port, "timeout": 5},
            }
        }
    else:
        settings.EMAIL_BACKEND = SMTP_BACKEND
        settings.EMAIL_HOST = host
        settings.EMAIL_PORT = port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpHandler:
    """Refuses every message with a temporary error (451) until ``refuse`` is False, and the
    addresses in ``unknown`` for good (550), as a server does for a mailbox it does not have."""

    def __init__(self):
        self.refuse = True
        self.unknown: set[str] = set()
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.unknown:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        if self.refuse:
            return "451 4.3.0 try later"
        self.received.append(envelope)
        return "250 2.0.0 accepted"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that refuses messages until told otherwise."""
    handler = SmtpHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp_server(settings, "127.0.0.1", controller.port)
    yield handler
    controller.stop()


@pytest.fixture
def sms_outbox(settings):
    """django-sms's in-memory backend, emptied."""
    settings.SMS_BACKEND = "sms.backends.locmem.SmsBackend"
    sms.outbox = []
    return sms.outbox
