"""Portal views outside the page tree: search over pages and fiches, robots.txt."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from wagtail.models import Page, Site

from ecommune.servicepublic.models import Fiche, Resource

RESULTS_PER_PAGE = 10


def search(request):
    """Wagtail search over this site's published pages, the published fiches and the
    service-public.fr forms and online services (found by name or Cerfa number)."""
    query = request.GET.get("q", "").strip()[:200]
    pages, fiches, resources = [], [], []
    if query:
        site = Site.find_for_request(request)
        page_qs = Page.objects.live().public()
        if site is not None:
            page_qs = page_qs.descendant_of(site.root_page, inclusive=True)
        pages = list(page_qs.search(query)[:RESULTS_PER_PAGE])
        fiches = Paginator(Fiche.objects.published().search(query), RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        resources = list(Resource.objects.published().search(query)[:RESULTS_PER_PAGE])
    return render(
        request,
        "ecommune_cms/search.html",
        {"query": query, "pages": pages, "fiches": fiches, "resources": resources},
    )


def robots_txt(request):
    """Everything public may be indexed, except the back office and residents' own pages."""
    from django.conf import settings

    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ECOMMUNE_ADMIN_PREFIX.strip('/')}/",
        "Disallow: /compte/",
        f"Disallow: {reverse('ecommune_requests:mine')}",
        "Disallow: /demarches/demande/",
        f"Disallow: {reverse('ecommune_search')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
