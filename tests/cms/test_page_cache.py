"""Whole portal pages for visitors without cookies (ecommune.cms.page_cache): the second
view of a page runs no view and few queries, a portal change shows at once, and nothing
personal or with a cookie is ever stored."""

from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ecommune.cms.models import NewsIndexPage, NewsPage
from ecommune.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
HOST = {"HTTP_HOST": "commune-a.test"}


def view(client, path="/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **HOST)
    assert response.status_code == 200, path
    return unescape(response.content.decode()), len(queries)


def test_the_second_view_of_a_page_is_served_from_the_cache(full_commune):
    client = Client()
    for path in ("/", "/mentions-legales/"):
        first, fresh = view(client, path)
        second, cached = view(client, path)
        assert second == first
        # The commune's row and what the middleware read; no view, no page, no template.
        assert cached <= 2, (path, cached)
        assert fresh > cached


def test_a_published_page_shows_at_once(full_commune):
    client = Client()
    before, _ = view(client)
    home = full_commune.site.root_page.specific
    index = NewsIndexPage.objects.child_of(home).first() or home.add_child(
        instance=NewsIndexPage(title="Actualités", slug="actualites")
    )
    index.add_child(instance=NewsPage(title="Fête de la musique", slug="fete-musique"))
    after, _ = view(client)
    assert "Fête de la musique" not in before
    assert "Fête de la musique" in after


def test_signed_in_residents_are_never_served_a_stored_page(full_commune):
    visitor = Client()
    view(visitor)
    resident = Client()
    resident.force_login(UserFactory(first_name="Camille"))
    page, queries = view(resident)
    assert queries > 2  # rendered for them
    anonymous_again, _ = view(visitor)
    assert "Camille" not in anonymous_again


def test_a_page_that_sets_a_cookie_is_not_stored(full_commune):
    from django.http import HttpResponse
    from django.test import RequestFactory
    from wagtail.views import serve

    from ecommune.cms.page_cache import PageCacheMiddleware

    def answer(request):
        response = HttpResponse("<p>form</p>")
        if request.path == "/with-cookie/":
            response.set_cookie("csrftoken", "per-visitor")
        return response

    middleware = PageCacheMiddleware(answer)

    def twice(path):
        outcomes = []
        for _ in range(2):
            request = RequestFactory().get(path, **HOST)
            request.commune = full_commune
            outcomes.append(middleware.process_view(request, serve, (), {}))
            middleware(request)
        return outcomes

    assert twice("/with-cookie/") == [None, None]  # rendered each time
    plain = twice("/without-cookie/")
    assert plain[0] is None and plain[1].content == b"<p>form</p>"
