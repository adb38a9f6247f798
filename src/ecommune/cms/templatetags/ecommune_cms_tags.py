"""Template tags of the portal: the legal links of every page's footer."""

from django import template
from wagtail.models import Page, Site

register = template.Library()


@register.inclusion_tag("ecommune_cms/_footer_links.html", takes_context=True)
def portal_footer_links(context):
    """The site's legal pages (two queries whatever the page), with the RGAA mention."""
    from ecommune.cms.models import (
        AccessibilityPage,
        LegalNoticePage,
        PersonalDataPage,
        SitemapPage,
    )

    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    links, accessibility = [], None
    if site is not None:
        root = site.root_page
        kinds = (SitemapPage, LegalNoticePage, PersonalDataPage, AccessibilityPage)
        pages = Page.objects.live().public().child_of(root).type(*kinds).order_by("path")
        links = [(page.get_url(request), page.title) for page in pages]
        accessibility = (
            AccessibilityPage.objects.live().public().child_of(root).only("conformity").first()
        )
    return {
        "links": links,
        "accessibility": accessibility,
        "request": request,
    }


@register.inclusion_tag("ecommune_cms/_open_graph.html", takes_context=True)
def open_graph_meta(context):
    """Open Graph meta of the page (title, description, type, URL, site name, image)."""
    from ecommune.cms.webapp import open_graph

    return {"og": open_graph(context)}
