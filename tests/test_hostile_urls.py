"""No server error on hostile input (issue 13, class 8): every GET URL pattern of the portal
and the back office, with hostile values in every path parameter and in every query
parameter the kit reads, as an anonymous visitor, a signed-in resident and a signed-in
agent (second factor given), on a commune with data in every corner."""

import copy
import itertools
import logging
import sys
from urllib.parse import quote, unquote, urlencode

import pytest
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from ecommune.testing.otp import login_agent
from tests.hostile import (
    HOST,
    HOSTILE,
    all_query_names,
    module_path,
    query_names_in,
    seed_world,
    walk_patterns,
)
from tests.portal_pages import PORTAL_PAGES

pytestmark = [pytest.mark.django_db, pytest.mark.walk]
# Django 6.1 deprecates savepoint() for savepoint_create(); 5.2 has only the first.

#: Values for the groups of Wagtail's regular-expression patterns, which have no converter.
REGEX_VALUES = {
    "group1": [path.split("?")[0].strip("/") + "/" for path in PORTAL_PAGES.values()] + ["1"],
    "group2": ["scan.pdf"],
    "pk": ["1"],
    "revision_id_a": ["earliest"],
    "revision_id_b": ["latest"],
}
MAX_VARIANTS = 12
#: Wagtail's page that raises on purpose, to show the back office's error page.
DELIBERATE_ERRORS = {"wagtailadmin_error_test"}


@pytest.fixture
def world(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return seed_world(tmp_path)


@pytest.fixture
def clients(world):
    anonymous = Client(raise_request_exception=False, HTTP_HOST=HOST)
    resident = Client(raise_request_exception=False, HTTP_HOST=HOST)
    resident.force_login(world.resident)
    agent = Client(raise_request_exception=False, HTTP_HOST=HOST)
    login_agent(agent, world.agent)
    return {"anonymous": anonymous, "resident": resident, "agent": agent}


class Recorder:
    """Requests sent, and the server errors with the exception behind each."""

    def __init__(self):
        self.sent = 0
        self.errors: dict[tuple[str, str, str], str] = {}  # (role, route, url) -> exception
        self._exception = None
        got_request_exception.connect(self._remember)

    def _remember(self, sender, **kwargs):
        self._exception = sys.exc_info()[1]

    def close(self):
        got_request_exception.disconnect(self._remember)

    def get(self, role, client, pattern, url):
        self.sent += 1
        self._exception = None
        # Each request is undone, cookies included: a sign-out link must not sign the
        # role out for the next request, a failed query must not spoil the next one. Its
        # own transaction, rolled back: on PostgreSQL the locks it took go with it (a walk
        # of thousands of requests inside one test transaction held ~9,000 locks and ran
        # the server out of lock memory beside another worker's).
        cookies = copy.deepcopy(client.cookies)
        try:
            with transaction.atomic():
                response = client.get(url)
                transaction.set_rollback(True)
        finally:
            client.cookies = cookies
        if response.status_code >= 500:
            exception = f"{type(self._exception).__name__}: {self._exception}"[:160]
            self.errors[(role, pattern.route, url[:120])] = exception
        return response

    def report(self) -> str:
        routes = {route for _role, route, _url in self.errors}
        lines = [f"{len(self.errors)} server errors on {len(routes)} URL patterns:"]
        lines += [f"{role} GET {url}: {e}" for (role, _r, url), e in sorted(self.errors.items())]
        return "\n".join(lines)


def candidates(parameter, world) -> list[str]:
    if parameter.converter == "regex":
        return REGEX_VALUES.get(parameter.name, ["1"])
    for key in (parameter.name, parameter.converter):
        if key in world.values:
            return world.values[key]
    if parameter.converter == "int" or parameter.name.endswith(("_id", "pk")):
        return world.values["int"]
    return ["1"]


def benign_variants(pattern, world) -> list[dict]:
    names = [p.name for p in pattern.parameters]
    choices = [candidates(p, world) for p in pattern.parameters]
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.islice(itertools.product(*choices), MAX_VARIANTS)
    ]


def quoted(values: dict) -> dict:
    return {name: quote(value, safe="/") for name, value in values.items()}


SIGN_IN_PATHS = ("/admin/login/", "/compte/connexion/", "/admin/securite/")


def gated(response) -> bool:
    """The role was stopped before the view: sent to sign in, or refused."""
    if response.status_code == 403:
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return location.startswith(SIGN_IN_PATHS)


def reaches(pattern, url) -> bool:
    """Whether ``url`` is served by ``pattern``'s view (a value the converter refuses sends
    the request to another pattern, fuzzed on its own)."""
    try:
        match = resolve(unquote(url.split("?")[0]))
    except Resolver404:
        return False
    return match.func is pattern.callback


@pytest.fixture
def quiet_request_log():
    """Thousands of 404s and 405s are expected here: only server errors are logged."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.django_db(transaction=True)
def test_no_get_pattern_answers_a_server_error_to_hostile_values(world, clients, quiet_request_log):
    """For each pattern and role: plausible path values until one reaches the view; then a
    hostile value in each path parameter the converter lets through; then, on the reached
    address, each hostile value in every query parameter at once, and in each parameter the
    view's module reads alone (the others sensible, such as ``vue=semaine``)."""
    every_name = sorted(all_query_names())
    recorder = Recorder()
    fuzzed = set()
    try:
        for pattern in walk_patterns():
            if pattern.name in DELIBERATE_ERRORS:
                continue
            module = module_path(pattern.module)
            read_here = sorted(query_names_in(module)) if module else []
            sensible = {k: v for k, v in world.benign_query.items() if k in read_here}
            for role, client in clients.items():
                variants = benign_variants(pattern, world)
                base = None
                for values in variants:
                    response = recorder.get(role, client, pattern, pattern.build(quoted(values)))
                    if response.status_code < 400:
                        base = values
                        break
                if gated(response):
                    continue
                if response.status_code != 405:
                    fuzzed.add(pattern.route)
                base = base or variants[0]
                for parameter in pattern.parameters:
                    for hostile in HOSTILE.values():
                        url = pattern.build(quoted({**base, parameter.name: hostile}))
                        if reaches(pattern, url):
                            recorder.get(role, client, pattern, url)
                url = pattern.build(quoted(base))
                for hostile in HOSTILE.values():
                    query = urlencode(dict.fromkeys(every_name, hostile))
                    recorder.get(role, client, pattern, f"{url}?{query}")
                    for name in read_here:
                        query = urlencode({**sensible, name: hostile})
                        recorder.get(role, client, pattern, f"{url}?{query}")
    finally:
        recorder.close()
    print(f"\n{len(fuzzed)} GET URL patterns fuzzed, {recorder.sent} requests")
    assert not recorder.errors, recorder.report()
    assert len(fuzzed) > 300


def test_a_nul_byte_is_a_400_page_in_french_in_the_communes_theme(commune, client):
    for response in (
        client.get("/recherche/?q=F%00123", HTTP_HOST="commune-a.test"),
        client.get("/vos-droits/F%00123/", HTTP_HOST="commune-a.test"),
        client.post("/demarches/suivi/", {"reference": "EC\x00", "email": "a@example.org"}),
    ):
        assert response.status_code == 400
        html = response.content.decode()
        assert "Demande incompréhensible" in html and "Commune-A" in html


def test_a_date_out_of_range_in_the_address_is_the_default_day(world, clients):
    from django.utils import timezone

    today = timezone.localdate()
    for url in (
        "/admin/rendez-vous/?jour=9999-12-31",
        "/admin/rendez-vous/imprimer/?jour=0001-01-01&vue=semaine",
    ):
        response = clients["agent"].get(url)
        assert response.status_code == 200
        assert response.context["first"] <= today


def test_the_closure_form_refuses_years_out_of_range_next_to_the_fields(world, clients):
    from ecommune.appointments.models import Closure, Counter
    from ecommune.core import tenancy

    with tenancy.using(world.commune):
        counter = Counter.objects.first()
    response = clients["agent"].post(
        "/admin/rendez-vous/fermer/",
        {
            "counter": counter.pk,
            "starts_on": "0001-01-01",
            "ends_on": "9999-12-31",
            "reason": "Travaux",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"starts_on", "ends_on"}
    assert "entre les années 1800 et 2200" in str(errors["starts_on"])
    with tenancy.using(world.commune):
        assert not Closure.objects.exists()
