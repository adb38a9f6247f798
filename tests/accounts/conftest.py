import re

import pytest
from django.utils import timezone
from django.utils.translation import gettext, ngettext, override

from ecommune.testing.factories import AgentFactory, UserFactory

PASSWORD = "mot-de-passe-solide-42"


def fr(message: str) -> str:
    """What a resident reads: the French translation once the catalogue has it, the
    English source until then."""
    with override("fr"):
        return gettext(message)


def fr_errors(count: int) -> str:
    """The error summary's sentence for ``count`` fields in error."""
    with override("fr"):
        return ngettext(
            "The form has an error: it is shown next to the field.",
            "The form has %(counter)s errors: each is shown next to its field.",
            count,
        ) % {"counter": count}


def link_in(message, path_prefix: str) -> str:
    """The path of the first link to ``path_prefix`` in an email's body."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S*)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def resident(db, commune):
    return UserFactory(email="camille.martin@example.org", first_name="Camille", last_name="Martin")


@pytest.fixture
def unverified(db, commune):
    return UserFactory(email="lea.durand@example.org", email_verified_at=None)


@pytest.fixture
def agent(db, commune):
    return AgentFactory(commune=commune, user__email="agent@mairie-a.test").user


@pytest.fixture
def sent(django_capture_on_commit_callbacks, mailoutbox):
    """Run a block and send the emails it queued on commit: ``with sent(): client.post(…)``."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def now():
    return timezone.now()
