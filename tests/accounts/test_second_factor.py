"""Agents give a TOTP code before the back office; residents never meet it."""

import re
from html import unescape

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecommune.accounts.models import AuditEvent
from ecommune.testing.factories import UserFactory
from ecommune.testing.otp import confirmed_device, login_agent, totp_token
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SETUP = "/admin/securite/configurer/"
VERIFY = "/admin/securite/verifier/"


def sign_in(client, user):
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return response


def test_an_agent_without_an_authenticator_is_sent_to_set_one_up(client, commune, agent):
    sign_in(client, agent)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2Fpages%2F"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<img class="ecommune-otp-qr" src="data:image/svg\+xml', html)
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    shown = re.search(r'<code class="ecommune-otp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert totp_token(shown) == totp_token(device)
    # Reloading keeps the same secret: the QR code does not change under the phone.
    assert shown in client.get(response["Location"]).content.decode()


def test_the_right_code_confirms_the_authenticator_and_opens_the_back_office(
    client, commune, agent
):
    sign_in(client, agent)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=agent)
    wrong = client.post(SETUP, {"token": "000000" if totp_token(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["token"]
    assert client.get("/admin/").status_code == 302
    # After a wrong code django-otp makes the next one wait (1 s, then 2, 4…).
    throttled = client.post(SETUP, {"token": totp_token(device)})
    assert "codes" not in throttled.context
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    done = client.post(SETUP, {"token": totp_token(device), "next": "/admin/pages/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(actor=agent, action="otp_setup", commune=commune).exists()


def test_a_new_session_asks_for_the_code(client, commune, agent):
    device = confirmed_device(agent)
    sign_in(client, agent)
    response = client.get("/admin/")
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    # The set-up page does not offer a second authenticator.
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    refused = client.post(VERIFY, {"token": "12345"})
    assert refused.status_code == 200 and refused.context["form"].errors["token"]
    assert AuditEvent.objects.filter(actor=agent, action="otp_failed").count() == 1
    # Throttling: after a failure django-otp makes the next try wait; time moves on here.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    ok = client.post(VERIFY, {"token": totp_token(device), "next": "/admin/pages/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_a_backup_code_works_once(client, commune, agent):
    from ecommune.accounts.second_factor import new_backup_codes

    confirmed_device(agent)
    code = new_backup_codes(agent)[0]
    sign_in(client, agent)
    assert client.post(VERIFY, {"token": code.upper()}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()
    client.post("/admin/logout/")
    sign_in(client, agent)
    assert client.post(VERIFY, {"token": code}).status_code == 200


def test_an_outside_next_is_ignored(client, commune, agent):
    device = confirmed_device(agent)
    sign_in(client, agent)
    response = client.post(VERIFY, {"token": totp_token(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_signing_in_and_out_stay_open_before_the_second_factor(client, commune, agent):
    confirmed_device(agent)
    sign_in(client, agent)
    assert client.get("/admin/login/").status_code in (200, 302)
    assert client.get("/admin/jsi18n/").status_code == 200
    assert client.post("/admin/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_superuser_needs_it_too(client, commune):
    admin = UserFactory(email="dsi@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_a_resident_in_the_back_office_is_refused_not_asked_for_a_code(client, commune, resident):
    client.force_login(resident)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get(SETUP)["Location"].startswith("/admin/login/")


def test_residents_pages_never_ask_for_the_code(client, commune, agent):
    client.force_login(agent)
    assert client.get("/compte/profil/").status_code == 200


def test_the_requirement_can_be_turned_off(client, commune, agent, settings):
    settings.ECOMMUNE_AGENT_OTP_REQUIRED = False
    client.force_login(agent)
    assert client.get("/admin/").status_code == 200


def test_the_testing_helper_gives_a_verified_session(client, commune, agent):
    login_agent(client, agent)
    assert client.get("/admin/").status_code == 200


def test_the_reset_command_removes_the_devices(commune, agent):
    from ecommune.accounts.second_factor import new_backup_codes

    confirmed_device(agent)
    new_backup_codes(agent)
    call_command("ecommune_reset_otp", agent.email.upper())
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert AuditEvent.objects.filter(actor=agent, action="otp_reset").exists()


def test_the_qr_code_names_the_commune(client, commune, agent):
    from ecommune.accounts.second_factor import pending_device, provisioning_uri

    uri = provisioning_uri(pending_device(agent), commune.name)
    assert uri.startswith("otpauth://totp/Commune-A%3Aagent%40mairie-a.test?secret=")
    assert "issuer=Commune-A" in unescape(uri)
