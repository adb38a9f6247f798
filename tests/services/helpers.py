"""Shared helpers of the civil-status and elections tests: walking a wizard with the test
client, an agent of a commune for a service, a small valid PDF."""

import pytest

from ecommune.testing.factories import AgentFactory
from ecommune.testing.otp import login_agent

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b" " * 200

APPLICANT = {
    "first_name": "Camille",
    "last_name": "Martin",
    "email": "camille@example.org",
}


def post_step(client, slug, step, data, files=None):
    payload = {f"ecommune_{slug}-current_step": step}
    payload.update({f"{step}-{key}": value for key, value in data.items()})
    payload.update({f"{step}-{key}": value for key, value in (files or {}).items()})
    return client.post(f"/demarches/{slug}/{step}/", payload)


def errors_of(response) -> str:
    """The text of the errors shown next to the fields, for assertions in French."""
    return " ".join(str(error) for error in response.context["form"].errors.values())


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def agent_client_for(client, commune, services):
    agent = AgentFactory(commune=commune, services=services)
    login_agent(client, agent.user)
    return client, agent
