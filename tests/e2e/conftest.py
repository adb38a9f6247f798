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


@pytest.fixture(scope="session")
def browser():
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
