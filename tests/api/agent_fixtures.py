"""Shared set-up of the agents' API tests: two communes offering « contact », an agent of
each, a token of each made through ``tokens.create_token``, the calls with a token."""

import json

import pytest
from django.test import Client, RequestFactory

from ecommune.api import tokens
from ecommune.core import tenancy
from tests.requests.inbox_fixtures import (
    agent,
    colleague,
    contact_communes,
    file_request,
    other_agent,
    private_storage,
)

__all__ = [
    "agent",
    "api",
    "colleague",
    "contact_communes",
    "file_request",
    "make_token",
    "other_agent",
    "private_storage",
    "quick_api",
]

HOST_A = "commune-a.test"
HOST_B = "commune-b.test"


def make_token(commune, user, services=("contact",), name="GED", **kwargs):
    """A token of ``commune`` made by ``user``, as the back-office page makes it."""
    request = RequestFactory().post("/admin/jetons-api/nouveau/")
    request.user = user
    with tenancy.using(commune):
        return tokens.create_token(
            request, commune=commune, name=name, services=list(services), **kwargs
        )


class Api:
    """Calls of the agents' API on a host name with a key."""

    def __init__(self, host, key):
        self.client = Client(HTTP_HOST=host)
        self.key = key

    def headers(self, key=None):
        key = self.key if key is None else key
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}

    def get(self, path, key=None, **query):
        return self.client.get(f"/api/v1/agent/{path}", query, **self.headers(key))

    def post(self, path, body=None, key=None, raw=None):
        data = raw if raw is not None else json.dumps(body or {})
        return self.client.post(
            f"/api/v1/agent/{path}", data, content_type="application/json", **self.headers(key)
        )


@pytest.fixture
def quick_api(settings):
    settings.ECOMMUNE_API_THROTTLE_RATE = None
    return Api


@pytest.fixture
def api(quick_api, agent, contact_communes):
    """Commune A's API with a token of commune A made by its agent."""
    _token, key = make_token(contact_communes[0], agent.user)
    return quick_api(HOST_A, key)
