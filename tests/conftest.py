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
def _empty_cache():
    """Each test starts with an empty cache: the portal's fragments, the next free slot and
    the rate limits of one test must not leak into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
