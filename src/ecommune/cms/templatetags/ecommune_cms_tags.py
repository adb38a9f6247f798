"""Template tags of the portal: the legal links of every page's footer, the cached
fragments of the portal, Open Graph."""

from django import template
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from ecommune.core.portal_cache import cached

register = template.Library()


def footer_links(request) -> dict:
    """The site's legal pages and the RGAA conformity level (two queries)."""
    from ecommune.cms.models import (
        AccessibilityPage,
        LegalNoticePage,
        PersonalDataPage,
        SitemapPage,
    )

    site = Site.find_for_request(request) if request is not None else None
    links, conformity = [], ""
    if site is not None:
        root = site.root_page
        kinds = (SitemapPage, LegalNoticePage, PersonalDataPage, AccessibilityPage)
        pages = Page.objects.live().public().child_of(root).type(*kinds).order_by("path")
        links = [(page.get_url(request), page.title) for page in pages]
        accessibility = (
            AccessibilityPage.objects.live().public().child_of(root).only("conformity").first()
        )
        if accessibility is not None:
            conformity = str(accessibility.get_conformity_display())
    return {"links": links, "conformity": conformity}


@register.inclusion_tag("ecommune_cms/_footer_links.html", takes_context=True)
def portal_footer_links(context):
    """The footer's legal links with the RGAA mention, kept in the portal cache."""
    request = context.get("request")
    commune = getattr(request, "commune", None)
    if getattr(request, "is_preview", False):
        return {**footer_links(request), "request": request}
    return {**cached(commune, "footer-links", lambda: footer_links(request)), "request": request}


class PortalFragmentNode(template.Node):
    def __init__(self, name: str, vary_on: list, nodelist):
        self.name, self.vary_on, self.nodelist = name, vary_on, nodelist

    def render(self, context):
        request = context.get("request")
        if getattr(request, "is_preview", False):  # Wagtail's preview of an unsaved draft
            return self.nodelist.render(context)
        commune = getattr(request, "commune", None)
        name = ":".join([self.name, *(str(v.resolve(context)) for v in self.vary_on)])
        # Our own template's output, escaped when it was rendered.
        return mark_safe(cached(commune, name, lambda: self.nodelist.render(context)))  # noqa: S308


@register.tag("portal_fragment")
def portal_fragment(parser, token):
    """``{% portal_fragment "name" [value …] %}…{% endportal_fragment %}``: the enclosed
    template, rendered once per portal version of the commune and per value (such as the
    page's id); see ``ecommune.core.portal_cache``. Only for what every visitor sees
    alike: nothing about the user, no CSRF token, no CSP nonce."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("portal_fragment takes a quoted name first")
    nodelist = parser.parse(("endportal_fragment",))
    parser.delete_first_token()
    return PortalFragmentNode(bits[1][1:-1], [parser.compile_filter(b) for b in bits[2:]], nodelist)


@register.inclusion_tag("ecommune_cms/_open_graph.html", takes_context=True)
def open_graph_meta(context):
    """Open Graph meta of the page (title, description, type, URL, site name, image)."""
    from ecommune.cms.webapp import open_graph

    return {"og": open_graph(context)}
