"""Production settings come from the environment; a missing one is named at start."""

import os
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "ECOMMUNE_ENV": "production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-1234567890",
    "ALLOWED_HOSTS": "mairie-exemple.fr",
    "DATABASE_URL": "postgres://ecommune:secret@127.0.0.1:5432/ecommune",
    "EMAIL_URL": "smtp+tls://user:password@smtp.example.org:587",
    "SMS_BACKEND": "sms.backends.locmem.SmsBackend",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run_django(args, env_overrides, cwd):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k not in ("ECOMMUNE_BASE_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "ecommune.conf.settings"
    env["ECOMMUNE_BASE_DIR"] = str(cwd)
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_URL", "SMS_BACKEND"]
)
def test_a_missing_production_variable_stops_the_start_with_its_name(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_django(["check"], env, tmp_path)
    assert result.returncode != 0
    assert f"The environment variable {missing} is required" in result.stderr


def test_the_brevo_sms_backend_without_its_key_stops_the_start_with_its_name(tmp_path):
    env = {**PRODUCTION_ENV, "SMS_BACKEND": "ecommune.notifications.sms_brevo.SmsBackend"}
    result = run_django(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "The environment variable BREVO_API_KEY is required" in result.stderr
    result = run_django(["check"], {**env, "BREVO_API_KEY": "xkeysib-123"}, tmp_path)
    assert result.returncode == 0, result.stderr


def test_with_every_production_variable_the_deploy_check_reports_nothing(tmp_path):
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_defaults_are_french_and_secure(settings):
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.AUTH_USER_MODEL == "ecommune_accounts.User"
    assert "'unsafe-inline'" not in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF


def test_pages_carry_a_strict_content_security_policy(client, commune):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_the_admin_alone_may_use_inline_styles(client, commune, admin_user):
    """Wagtail's admin sets inline styles; the public pages keep the strict policy."""
    from ecommune.testing.otp import verify_session

    client.force_login(admin_user)
    verify_session(client, admin_user)
    admin_policy = client.get("/admin/")["Content-Security-Policy"]
    style_src = next(part for part in admin_policy.split(";") if "style-src" in part)
    assert "'unsafe-inline'" in style_src
    assert "unsafe" not in next(p for p in admin_policy.split(";") if "script-src" in p)
    assert "unsafe" not in client.get("/")["Content-Security-Policy"]
