import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "ecommune.testing.pytest_plugin",
    # FranceConnect's tests run a real OpenID provider (node, tests/oidc_provider).
    "tests.accounts.franceconnect_provider",
]


@pytest.fixture(autouse=True)
def _empty_cache(empty_caches):
    """Each test starts with empty caches (``ecommune.testing.pytest_plugin.clear_caches``)."""
    yield


@pytest.fixture(autouse=True)
def _run_as_the_test_commune(as_the_test_commune):
    """A test that uses the ``commune`` fixture (or the portal's ``full_commune``) runs as
    that commune (``ecommune.testing.pytest_plugin.as_the_test_commune``), unless marked
    ``outside_commune``."""
    yield
