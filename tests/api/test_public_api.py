"""The public API (issue 18, item 1): what each endpoint answers, and what it never does —
show a resident's data, show another commune's data, answer an unknown host, break on
hostile query values, let a client call without limit."""

import csv
import io
import json

import pytest
from django.test import Client

from ecommune.api.opendata import NAMES
from ecommune.api.schema import document
from ecommune.core import csv_export, tenancy
from ecommune.feedback.models import OnTime, SurveyAnswer
from tests.api.conftest import HOST_A, HOST_B
from tests.hostile import HOSTILE

pytestmark = pytest.mark.django_db


#: The agents' API (issue 18, item 2), in the same schema.
AGENT_PREFIX = "/api/v1/agent/"


def addresses(host: str) -> list[str]:
    """Every GET address of the schema, path parameters filled with each slug the commune
    of ``host`` has (and one it has not)."""
    client = Client(HTTP_HOST=host)
    services = [s["slug"] for s in client.get("/api/v1/services/").json()]
    motives = [m["slug"] for m in client.get("/api/v1/motives/").json()]
    values = {"/api/v1/services/{slug}/": services, "/api/v1/motives/{slug}/slots/": motives}
    found = []
    for route in document()["paths"]:
        if route.startswith(AGENT_PREFIX):
            continue  # a token is needed: tests/api/test_agent_api.py walks them
        for slug in values.get(route, [None]) + (["nope"] if route in values else []):
            found.append(route.replace("{slug}", slug) if slug else route)
    return found


def bodies(host: str) -> dict[str, str]:
    client = Client(HTTP_HOST=host)
    answers = {}
    for url in addresses(host):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        answers[url] = response.content.decode()
    return answers


def test_the_schema_is_openapi_3_1_and_lists_every_endpoint(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    schema = json.loads(response.content)
    assert schema["openapi"] == "3.1.0"
    assert {path for path in schema["paths"] if not path.startswith(AGENT_PREFIX)} == {
        "/api/v1/commune/",
        "/api/v1/services/",
        "/api/v1/services/{slug}/",
        "/api/v1/waiting-times/",
        "/api/v1/motives/",
        "/api/v1/motives/{slug}/slots/",
        "/api/v1/news/",
        "/api/v1/events/",
        "/api/v1/satisfaction/",
        "/api/v1/fiches/",
        "/api/v1/open-data/satisfaction.csv",
        "/api/v1/open-data/satisfaction.json",
        "/api/v1/open-data/satisfaction.schema.json",
    }
    assert {path for path in schema["paths"] if path.startswith(AGENT_PREFIX)} == {
        "/api/v1/agent/requests/",
        "/api/v1/agent/requests/{reference}/",
        "/api/v1/agent/requests/{reference}/status/",
        "/api/v1/agent/requests/{reference}/messages/",
        "/api/v1/agent/requests/{reference}/missing-piece/",
        "/api/v1/agent/requests/{reference}/notes/",
        "/api/v1/agent/requests/{reference}/assignee/",
        "/api/v1/agent/requests/{reference}/documents/{document}/",
    }


def test_each_endpoint_answers_the_hosts_commune(api_communes):
    client = Client(HTTP_HOST=HOST_A)
    commune = client.get("/api/v1/commune/").json()
    assert commune["name"] == "Commune-API-A" and commune["insee_code"] == "44101"
    assert commune["address"]["street"] == "1 place Alpha"
    assert commune["website"].endswith("://commune-api-a.test/")
    services = client.get("/api/v1/services/").json()
    assert [s["slug"] for s in services] == [s.slug for s in api_communes[0].services()]
    contact = client.get("/api/v1/services/contact/").json()
    assert contact["delay_working_days"] >= 1 and contact["access"] == "anyone"
    assert contact["start_url"].endswith("/demarches/contact/")
    waiting = client.get("/api/v1/waiting-times/").json()
    assert waiting[0]["counter"]["name"] == "Guichet Alpha"
    assert waiting[0]["open"] and waiting[0]["waiting"] == 1
    motives = client.get("/api/v1/motives/").json()
    assert motives[0]["slug"] == "passeport-alpha" and motives[0]["next_free_slot"]
    slots = client.get("/api/v1/motives/passeport-alpha/slots/").json()
    assert slots["slots"] and slots["slots"][0]["free"] >= 1
    assert slots["slots"][0]["start"] == motives[0]["next_free_slot"]["start"]
    assert [n["title"] for n in client.get("/api/v1/news/").json()] == ["Nouvelle Alpha"]
    assert [e["title"] for e in client.get("/api/v1/events/?limit=1").json()] == ["Fête Alpha"]
    answer = client.get("/api/v1/commune/")
    assert answer["Cache-Control"] == "public, max-age=60"


def test_a_period_of_slots_is_bounded_and_an_end_before_the_start_is_empty(api_communes):
    client = Client(HTTP_HOST=HOST_A)
    long = client.get("/api/v1/motives/passeport-alpha/slots/?start=2026-01-01&end=2030-01-01")
    assert long.json()["end"] == "2026-01-31"
    empty = client.get("/api/v1/motives/passeport-alpha/slots/?start=2030-01-02&end=2030-01-01")
    assert empty.status_code == 200 and empty.json()["slots"] == []


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_query_values_get_a_4xx_in_french_never_a_server_error(api_communes, name):
    client = Client(HTTP_HOST=HOST_A, raise_request_exception=False)
    value = HOSTILE[name]
    query = {"limit": value, "start": value, "end": value, "counter": value}
    for url in addresses(HOST_A):
        response = client.get(url, query)
        assert response.status_code < 500, (url, name, response.status_code)
        if "\x00" in value:
            assert response.status_code == 400
    for url, parameter in (
        ("/api/v1/news/", "limit"),
        ("/api/v1/events/", "limit"),
        ("/api/v1/motives/passeport-alpha/slots/", "start"),
        ("/api/v1/motives/passeport-alpha/slots/", "end"),
        ("/api/v1/motives/passeport-alpha/slots/", "counter"),
    ):
        response = client.get(url, {parameter: value})
        # Every hostile value is a bad value for each of these parameters.
        assert response.status_code == 400, (url, parameter, name)
        if "\x00" in value:
            continue  # refused before any view, with the portal's 400 page
        body = response.json()
        assert body["detail"] == "Certains paramètres de la requête ne sont pas valides."
        assert list(body["errors"]) == [parameter]


def test_bad_dates_are_named_in_french(api_communes):
    client = Client(HTTP_HOST=HOST_A)
    response = client.get("/api/v1/motives/passeport-alpha/slots/?start=9999-12-31&end=2026-02-31")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["start"] == ["Saisissez une date comprise entre les années 1800 et 2200."]
    assert errors["end"] == ["Saisissez une date valide."]


def test_an_unknown_host_gets_the_same_404_whether_a_default_site_exists_or_not(api_communes):
    from wagtail.models import Site

    stranger = Client(HTTP_HOST="nobody.test")
    for default in (True, False):
        Site.objects.update(is_default_site=False)
        if default:
            Site.objects.filter(pk=api_communes[0].site_id).update(is_default_site=True)
        response = stranger.get("/api/v1/commune/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Aucune commune n’est servie à cette adresse."}


def test_an_unknown_host_gets_a_404_on_every_endpoint(api_communes):
    stranger = Client(HTTP_HOST="nobody.test")
    for url in addresses(HOST_A):
        response = stranger.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Aucune commune n’est servie à cette adresse."}


def test_commune_b_never_shows_commune_a_and_the_other_way_round(api_communes):
    a, b = api_communes
    seen_a, seen_b = bodies(HOST_A), bodies(HOST_B)
    for text in ("Alpha", "Commune-API-A", "44101", HOST_A):
        assert not [url for url, body in seen_b.items() if text in body], text
    for text in ("Beta", "Commune-API-B", "44102", HOST_B):
        assert not [url for url, body in seen_a.items() if text in body], text
    # A's motive, asked on B's host: unknown there.
    response = Client(HTTP_HOST=HOST_B).get("/api/v1/motives/passeport-alpha/slots/")
    assert response.status_code == 404


def test_no_endpoint_shows_a_residents_data(tmp_path, settings):
    """The demo commune with a resident who filed a request, booked, enrolled a child, got an
    invoice and took a queue ticket: every endpoint, and none names them."""
    from django.contrib.auth import get_user_model

    from ecommune.appointments.models import Booking, QueueTicket
    from ecommune.families.models import Child
    from tests.hostile import HOST, seed_world

    settings.ECOMMUNE_API_THROTTLE_RATE = None
    world = seed_world(tmp_path)
    with tenancy.using(world.commune):
        QueueTicket.objects.create(
            counter=QueueTicket.objects.first().counter, number=2, phone="+33699887766"
        )
        secrets = {world.resident.email, world.agent.email, "+33699887766", "06 99 88 77 66"}
        for user in get_user_model().objects.all():
            secrets |= {user.email, user.last_name}
        for booking in Booking.objects.all():
            secrets |= {booking.email, booking.last_name, booking.phone}
        for child in Child.objects.all():
            secrets |= {child.first_name, child.last_name}
    secrets = {s for s in secrets if s and len(s) >= 4}
    assert world.resident.email in secrets and "Lefebvre" in secrets
    seen = bodies(HOST)
    assert len(seen) >= 13
    leaks = {(url, s) for url, body in seen.items() for s in secrets if s in body}
    assert not leaks


def test_the_limit_counts_per_commune_and_address_and_answers_429_in_french(api_communes, settings):
    settings.ECOMMUNE_API_THROTTLE_RATE = "3/min"
    a = Client(HTTP_HOST=HOST_A, REMOTE_ADDR="192.0.2.1")
    assert [a.get("/api/v1/commune/").status_code for _ in range(3)] == [200, 200, 200]
    refused = a.get("/api/v1/news/")
    assert refused.status_code == 429 and "Retry-After" in refused
    assert "ralentie" in refused.json()["detail"]
    assert Client(HTTP_HOST=HOST_B, REMOTE_ADDR="192.0.2.1").get("/api/v1/news/").status_code == 200
    assert Client(HTTP_HOST=HOST_A, REMOTE_ADDR="192.0.2.2").get("/api/v1/news/").status_code == 200


def test_cors_is_open_for_reads_of_the_api_only(api_communes):
    client = Client(HTTP_HOST=HOST_A, HTTP_ORIGIN="https://intercommunalite.example.org")
    response = client.get("/api/v1/commune/")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options("/api/v1/news/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 200
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/recherche/")
    assert "Access-Control-Allow-Origin" not in client.get("/compte/connexion/")


def test_answers_are_cached_per_commune_until_the_portal_changes(api_communes):
    a, _b = api_communes
    client = Client(HTTP_HOST=HOST_A)
    before = [s["slug"] for s in client.get("/api/v1/services/").json()]
    assert "elections" in before
    with tenancy.using(a):
        a.enabled_services = ["contact"]
        a.save()  # renews the portal version
    assert [s["slug"] for s in client.get("/api/v1/services/").json()] == ["contact"]


def answer_survey(commune, service: str, count: int) -> None:
    with tenancy.using(commune):
        for n in range(count):
            SurveyAnswer.objects.create(
                service=service,
                ease=5 if n % 2 else 3,
                on_time=OnTime.YES,
                satisfaction=4,
            )


def test_satisfaction_as_open_data_csv_json_and_table_schema(api_communes):
    a, _b = api_communes
    answer_survey(a, "contact", 6)
    client = Client(HTTP_HOST=HOST_A)
    figures = client.get("/api/v1/satisfaction/").json()
    contact = next(line for line in figures["services"] if line["slug"] == "contact")
    assert contact["answers"] == 6 and contact["shown"] and contact["satisfied"] == 100
    response = client.get("/api/v1/open-data/satisfaction.csv")
    assert getattr(response, csv_export.MARK)
    assert response["Content-Disposition"] == 'attachment; filename="satisfaction-44101.csv"'
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == NAMES
    # One row per online service, and « appointments » for the commune's appointments.
    assert len(rows) == len(a.services()) + 1
    assert rows[-1]["identifiant_demarche"] == "appointments"
    line = next(row for row in rows if row["identifiant_demarche"] == "contact")
    assert line["nombre_reponses"] == "6" and line["publie"] == "true"
    assert line["part_facile"] == "50" and line["note_moyenne"] == "4.0"
    hidden = next(row for row in rows if row["identifiant_demarche"] == "elections")
    assert hidden["publie"] == "false" and hidden["part_satisfaits"] == ""
    as_json = client.get("/api/v1/open-data/satisfaction.json").json()
    assert [row["identifiant_demarche"] for row in as_json] == [
        row["identifiant_demarche"] for row in rows
    ]
    schema = client.get("/api/v1/open-data/satisfaction.schema.json").json()
    assert [field["name"] for field in schema["fields"]] == NAMES
    assert schema["resources"][0]["path"].endswith("/api/v1/open-data/satisfaction.csv")
    kinds = {field["name"]: field["type"] for field in schema["fields"]}
    assert kinds["nombre_reponses"] == "integer" and kinds["publie"] == "boolean"


def test_the_docs_page_lists_every_endpoint_in_the_communes_theme(api_communes):
    response = Client(HTTP_HOST=HOST_A).get("/api/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "API publique" in html and "Commune-API-A" in html
    for route in document()["paths"]:
        assert route in html
    assert "http://commune-api-a.test/api/v1/motives/…/slots/" in html or "slots" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[-1]


def test_the_schema_is_generated_without_a_warning(capsys):
    from drf_spectacular.drainage import GENERATOR_STATS

    from ecommune.api import schema

    schema._document.cache_clear()
    GENERATOR_STATS.reset()
    schema._document("fr")
    assert not GENERATOR_STATS, capsys.readouterr().err
