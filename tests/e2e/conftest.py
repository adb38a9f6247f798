"""Browser tests: Playwright for Python driving Debian's Chromium, axe-core for accessibility."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("ECOMMUNE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: Playwright's event loop runs in the main thread while
    it is open, and Django's ``async_to_sync`` (the health endpoint) refuses to run beside
    it, so it must be closed before the next module, whatever runs on this worker next."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_at(browser):
    """A new page at a given viewport width: ``page_at(360)``."""
    contexts = []

    def make(width=1280, **options):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="fr-FR", **options
        )
        context.set_default_timeout(15_000)  # a broken page fails fast instead of hanging
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def axe_violations(page):
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) in the page; returns the violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
            }
        },
    )
    return results.response["violations"]


def describe(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in violations
    )


@pytest.fixture(autouse=True)
def _test_body_runs_as_the_demo_commune(request, monkeypatch):
    """A browser test that seeds the demo and then calls the kit's functions (open a desk,
    issue an invoice) acts as the town hall of that commune would: once ``seed_demo`` ran,
    the test body runs as the demo commune (``ecommune.testing.pytest_plugin.run_test_as``).
    The live server's threads select their own commune from each request's host."""
    from ecommune.core import tenancy
    from ecommune.core.models import Commune
    from ecommune.testing.pytest_plugin import run_test_as

    seed = getattr(request.module, "seed_demo", None)
    tokens = []
    if seed is not None:

        def seed_and_select(*args, **kwargs):
            credentials = seed(*args, **kwargs)
            commune = Commune.base_queryset().get(site__is_default_site=True)
            tokens.append(run_test_as(commune, monkeypatch))
            return credentials

        monkeypatch.setattr(request.module, "seed_demo", seed_and_select)
    yield
    for token in reversed(tokens):
        tenancy.deactivate(token)
