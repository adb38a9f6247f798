"""Shared set-up of the inbox tests: two communes offering « contact », agents, requests.

Imported by the test modules (``from tests.requests.inbox_fixtures import *``) rather
than put in a conftest, so other test modules of this folder are not affected."""

import pytest

from ecommune.testing.factories import AgentFactory, UserFactory
from ecommune.testing.filing import Applicant, Beneficiary, filed_request
from ecommune.testing.pytest_plugin import private_storage

__all__ = [
    "agent",
    "colleague",
    "contact_communes",
    "file_request",
    "other_agent",
    "private_storage",
]


@pytest.fixture
def contact_communes(commune, other_commune, private_storage):
    for c in (commune, other_commune):
        c.enabled_services = ["contact"]
        c.save()
    return commune, other_commune


@pytest.fixture
def agent(contact_communes):
    return AgentFactory(
        commune=contact_communes[0],
        services=["contact"],
        user__first_name="Alice",
        user__last_name="Agent",
        user__email="alice@mairie-a.test",
    )


@pytest.fixture
def colleague(contact_communes):
    return AgentFactory(
        commune=contact_communes[0],
        services=["contact"],
        user__first_name="Bruno",
        user__last_name="Collègue",
        user__email="bruno@mairie-a.test",
    )


@pytest.fixture
def other_agent(contact_communes):
    return AgentFactory(commune=contact_communes[1], services=["contact"])


def file_request(commune, *, on_behalf=False, email="camille@example.org", user=None, **extra):
    """A real request filed through the engine (``file_request``), with the contact
    service's data, as the commune's own site would file it."""
    return filed_request(
        commune,
        "contact",
        {"message": MESSAGE},
        applicant=Applicant(
            "Camille", "Martin", email, phone="06 12 34 56 78", sms_consent=True, user=user
        ),
        beneficiary=Beneficiary("Léa", "Martin", "parent", "lea@example.org")
        if on_behalf
        else None,
        **extra,
    )


MESSAGE = {
    "topic": "roads",
    "subject": "Lampadaire éteint",
    "message": "Le lampadaire de la rue des Tilleuls est éteint.",
}


def resident(**kwargs):
    return UserFactory(**kwargs)
