"""A host name the install does not serve gets a short 400 page, never a server error."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/", "/admin/", "/api/v1/commune/", "/demarches/contact/", "/page-inconnue/"]
)
def test_an_unknown_host_name_gets_a_400_in_french(client, settings, commune, path):
    settings.ALLOWED_HOSTS = ["commune-a.test"]
    page = client.get(path, HTTP_HOST="evil.test", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    html = page.content.decode()
    assert '<html lang="fr">' in html
    assert "Adresse de site inconnue" in html
    assert page["Content-Security-Policy"] == "default-src 'none'"


def test_a_served_host_name_is_untouched(client, settings, commune):
    settings.ALLOWED_HOSTS = ["commune-a.test"]
    assert client.get("/", HTTP_HOST="commune-a.test").status_code in (200, 404)
