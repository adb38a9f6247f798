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
    the rate limits of one test must not leak into the next. The content types too: a
    transactional test flushes the database, which recreates the content types under new
    ids, while Django's content-type cache and each Wagtail permission policy
    (``_content_type``, a cached property) keep the old ones; the demo agent's site
    permission then seemed missing when the back-office walk ran after such a test."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from wagtail.permissions import policy_registry

    cache.clear()
    ContentType.objects.clear_cache()
    for registry in (policy_registry.values_by_class, policy_registry.values_by_exact_class):
        for policy in registry.values():
            getattr(policy, "__dict__", {}).pop("_content_type", None)
    yield
