"""The public API against its own OpenAPI document: schemathesis generates requests from
the schema, valid ones and invalid ones, sends them to the Django application in the
process (WSGI, no network) on a commune's host name, and checks every answer with its
default checks: no server error, a status code, content type, headers and body the schema
declares, valid input accepted and invalid input refused.

Bounded: ``MAX_EXAMPLES`` per operation and mode, derandomised, no example database. The
test drives schemathesis through ``as_strategy`` and Hypothesis' ``@given`` in one test
(one commune set up once) rather than ``schemathesis.pytest.from_fixture``, whose lazy
loader does not run on pytest 9 (it reads ``Function._nodeid``, gone in pytest 9)."""

import logging

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from ecommune.testing.factories import AgentFactory
from ecommune.testing.pytest_plugin import private_storage  # noqa: F401  (a fixture)
from tests.api.agent_fixtures import file_request, make_token
from tests.api.conftest import HOST_A

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 30


@pytest.fixture
def in_process_requests():
    """As Django's test client does: the end of a request must not close the connection that
    holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)  # hundreds of 400s and 404s are expected
    yield
    logger.setLevel(level)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def sent_to_agents(sent: dict) -> int:
    return sum(count for (label, _mode), count in sent.items() if "/agent/" in label)


def explore(operation, mode, sent: dict, statuses: dict, headers: dict) -> None:
    """``MAX_EXAMPLES`` generated requests to ``operation``, each answer checked."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        key = (operation.label, mode.value)
        sent[key] = sent.get(key, 0) + 1
        # The commune's host name, and the token as explicit credentials (so that
        # schemathesis also checks that a request without it, or with a wrong one, is
        # refused).
        response = case.call_and_validate(base_url=f"http://{HOST_A}", headers=headers)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    try:
        run()
    except Unsatisfiable:
        # An operation without parameters has no invalid request to make.
        if mode is not GenerationMode.NEGATIVE:
            raise


def test_the_public_api_answers_as_its_openapi_schema_says(
    api_communes,
    settings,
    in_process_requests,
    private_storage,  # noqa: F811
):
    settings.ECOMMUNE_API_LIVE_CACHE_SECONDS = 0
    # The agents' API too, with a token of the commune (the public endpoints ignore it).
    commune = api_communes[0]
    agent = AgentFactory(commune=commune, services=["contact"])
    file_request(commune)
    _token, key = make_token(commune, agent.user)
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    schema.config.update(base_url=f"http://{HOST_A}")
    sent: dict[tuple[str, str], int] = {}
    statuses: dict[int, int] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            explore(operation, mode, sent, statuses, headers)
    total = sum(sent.values())
    print(
        f"\nschemathesis: {total} requests on {len(operations)} operations, "
        f"answers by status {dict(sorted(statuses.items()))}"
    )
    assert 500 not in statuses
    # The agents' endpoints were reached with the token, not only refused.
    assert statuses.get(401, 0) < sent_to_agents(sent)
