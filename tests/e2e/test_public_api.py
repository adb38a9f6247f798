"""The public API's docs page in Chromium: axe-core clean in both themes, readable at
360 px wide, no script of its own."""

import pytest

from ecommune.core.models import Commune
from ecommune.demo.seed import seed_demo
from tests.e2e.conftest import axe_violations, describe
from tests.e2e.test_portal import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("theme", ["commune", "dsfr"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_api_docs_page_is_accessible(live_server, page_at, tmp_path, theme, width):
    seed_demo(tmp_path / "credentials.json")
    Commune.unscoped.update(theme=theme)
    page = page_at(width)
    page.goto(live_server.url + "/api/")
    assert page.get_by_role("heading", level=1).inner_text() == "API publique"
    assert page.get_by_role("heading", name="Free slots of a motive").count() == 1
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"api-docs-{theme}-{width}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
