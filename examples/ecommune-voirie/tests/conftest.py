"""The kit's test fixtures (``ecommune.testing``), used as the kit's own suite uses them."""

import pytest

pytest_plugins = ["ecommune.testing.pytest_plugin"]


@pytest.fixture(autouse=True)
def _as_the_kit_does(empty_caches, as_the_test_commune):
    yield
