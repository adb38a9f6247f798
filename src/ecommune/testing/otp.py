"""Agents' second factor in tests: a verified back-office session without typing a code.

The back office asks every agent for a TOTP code (``ECOMMUNE_AGENT_OTP_REQUIRED``).
With Django's test client::

    from ecommune.testing.otp import login_agent

    login_agent(client, agent.user)        # signed in, second factor given
    client.get("/admin/")                  # 200

``verify_session(client, user)`` does the second half for a client already signed in
(``client.login(...)``); ``totp_token(device_or_secret)`` computes the code an
authenticator app would show, for a browser test that types it. The fixture
``otp_admin_client`` is pytest-django's ``admin_client`` with the second factor given
(import it into a test module or a conftest).
"""

from base64 import b32decode

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice:
    """The user's confirmed authenticator, created if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device


def verify_session(client, user) -> TOTPDevice:
    """Mark the test client's session as having given ``user``'s second factor."""
    device = confirmed_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def login_agent(client, user) -> TOTPDevice:
    """``client.force_login(user)`` followed by ``verify_session``."""
    client.force_login(user)
    return verify_session(client, user)


def totp_token(device_or_secret, at=None) -> str:
    """The six digits an authenticator app shows now (or at the Unix time ``at``), from a
    device or from the base32 secret shown on the set-up page (spaces allowed)."""
    if isinstance(device_or_secret, TOTPDevice):
        key, step, t0, digits = (
            device_or_secret.bin_key,
            device_or_secret.step,
            device_or_secret.t0,
            device_or_secret.digits,
        )
    else:
        secret = "".join(str(device_or_secret).split()).upper()
        key = b32decode(secret + "=" * (-len(secret) % 8))
        step, t0, digits = 30, 0, 6
    generator = TOTP(key, step=step, t0=t0, digits=digits)
    if at is not None:
        generator.time = at
    return f"{generator.token():0{digits}d}"


@pytest.fixture
def otp_admin_client(admin_client, admin_user):
    """pytest-django's ``admin_client`` with the superuser's second factor given."""
    verify_session(admin_client, admin_user)
    return admin_client


def agent_client_for(client, commune, services=None):
    """``client`` signed in, second factor given, as a new agent of ``commune`` handling
    ``services`` (the commune's enabled ones by default); returns the client and the
    ``Agent``."""
    from ecommune.testing.factories import AgentFactory

    fields = {} if services is None else {"services": services}
    agent = AgentFactory(commune=commune, **fields)
    login_agent(client, agent.user)
    return client, agent
