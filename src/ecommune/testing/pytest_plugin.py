"""pytest fixtures for sites and services built on the kit.

A site's or a service's ``conftest.py`` loads them with
``pytest_plugins = ["ecommune.testing.pytest_plugin"]`` and may make the kit's two habits
its own, as the kit's suite does::

    @pytest.fixture(autouse=True)
    def _as_the_kit_does(empty_caches, as_the_test_commune):
        yield
"""

import pytest

from ecommune.core import tenancy
from ecommune.testing.factories import make_commune


@pytest.fixture
def commune(db):
    """A commune served on commune-a.test (its site is the default one)."""
    from wagtail.models import Site

    from ecommune.core.provisioning import remove_wagtail_welcome_page

    remove_wagtail_welcome_page()
    commune = make_commune("Commune-A", "commune-a.test")
    Site.objects.filter(pk=commune.site_id).update(is_default_site=True)
    return commune


@pytest.fixture
def other_commune(db):
    return make_commune("Commune-B", "commune-b.test", insee_code="2A004", postal_codes="20000")


@pytest.fixture
def as_commune():
    """Run a block as a commune: ``with as_commune(commune): …``."""
    return tenancy.using


def run_test_as(commune, monkeypatch):
    """Make ``commune`` current for the rest of the test, as the request or task that calls
    the kit's functions would; management commands still run with no commune selected, as
    from a shell. Returns the token to deactivate."""
    from django.core.management.base import BaseCommand

    execute = BaseCommand.execute

    def execute_outside_any_commune(self, *args, **options):
        token = tenancy.activate(None)
        try:
            return execute(self, *args, **options)
        finally:
            tenancy.deactivate(token)

    monkeypatch.setattr(BaseCommand, "execute", execute_outside_any_commune)
    return tenancy.activate(commune)


@pytest.fixture
def run_as_commune(commune, monkeypatch):
    """The test body runs as its ``commune`` (see ``run_test_as``)."""
    token = run_test_as(commune, monkeypatch)
    yield
    tenancy.deactivate(token)


@pytest.fixture
def as_the_test_commune(request, monkeypatch):
    """A test that uses the ``commune`` fixture (or the portal's ``full_commune``) runs as
    that commune (``run_test_as``), unless marked ``outside_commune``."""
    name = next((n for n in ("commune", "full_commune") if n in request.fixturenames), None)
    if name is None or request.node.get_closest_marker("outside_commune"):
        yield
        return
    token = run_test_as(request.getfixturevalue(name), monkeypatch)
    yield
    tenancy.deactivate(token)


def clear_caches() -> None:
    """Empty the cache, and the content types Django and Wagtail keep in memory.

    Each test starts with an empty cache: the portal's fragments, the next free slot and
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


@pytest.fixture
def empty_caches():
    """The test starts with empty caches (``clear_caches``)."""
    clear_caches()
    yield


@pytest.fixture
def private_storage(settings, tmp_path):
    """Residents' documents and the wizards' files go to the test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
