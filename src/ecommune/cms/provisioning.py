"""The portal's page tree for a commune: its home page, online services, life events,
legal pages.

Registered as a provisioning step (``PortalPages``, in ``ecommune.core.provisioning``'s
``steps``): ``setup_commune`` makes a new commune's home page and then, unless asked not
to, its portal pages, so that every commune starts with
the pages a French public site must have, filled with its own data; idempotent, it only
adds what is missing and never overwrites what the commune edited. Titles and texts are
written in the site's language (French) through gettext.
"""

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecommune.cms import models as cms
from ecommune.core.provisioning import ProvisioningStep
from ecommune.core.registry import registry

# (key, title, intro, fiche identifiers) — the report's Proposition 4. A service joins a life
# event by naming its key in ``Service.life_events``.
LIFE_EVENTS = (
    (
        "birth",
        gettext_noop("I am having a child"),
        gettext_noop("Declaring the birth, getting the birth certificate, childcare and school."),
        "F1427",
    ),
    (
        "moving",
        gettext_noop("I am moving house"),
        gettext_noop("Telling the town hall, changing your address on the electoral roll, school."),
        "F1372",
    ),
    (
        "marriage",
        gettext_noop("I am getting married"),
        gettext_noop(
            "Marriage or civil partnership at the town hall, the certificates to provide."
        ),
        "",
    ),
    (
        "death",
        gettext_noop("A relative has died"),
        gettext_noop("Declaring the death, death certificates and the first steps."),
        "",
    ),
    (
        "elections",
        gettext_noop("Elections"),
        gettext_noop("Registering on the electoral roll, voting by proxy, polling stations."),
        "F1367, F1372, N47",
    ),
    (
        "school",
        gettext_noop("School and after-school"),
        gettext_noop("Enrolling your child at school, the canteen and after-school care."),
        "",
    ),
    (
        "identity",
        gettext_noop("I need an identity card or a passport"),
        gettext_noop(
            "The pre-application online on the ANTS site, then an appointment at the town "
            "hall to give the file and the fingerprints."
        ),
        "F1341, F14929",
    ),
)

LIFE_EVENT_KEYS = frozenset(key for key, *_rest in LIFE_EVENTS)


def services_of_life_event(key: str) -> list[str]:
    """The registered services that declare the life event ``key``."""
    return [service.slug for service in registry if key in service.life_events]


def _paragraph(text) -> str:
    from django.utils.html import escape

    return f"<p>{escape(_(str(text)))}</p>" if text else ""


def _add(parent, page):
    """Add ``page`` under ``parent`` as published (no revision: the commune edits it later)."""
    page.slug = page.slug or slugify(page.title)
    page.live = True
    parent.add_child(instance=page)
    return page


def _child(parent, model):
    return model.objects.child_of(parent).first()


def _add_service_pages(commune, services_index) -> list:
    """A page for each enabled service that has none under ``services_index``."""
    existing = set(
        cms.ServicePage.objects.child_of(services_index).values_list("service_slug", flat=True)
    )
    added = []
    for service in commune.services():
        if service.slug in existing:
            continue
        page = cms.ServicePage(
            title=str(service.title),
            service_slug=service.slug,
            intro=str(service.summary),
            who_can_ask=_paragraph(service.who_can_ask),
            documents=_paragraph(service.documents),
        )
        added.append(_add(services_index, page))
    return added


def ensure_service_pages(commune) -> list:
    """Pages for the services the commune enabled since its portal was created; called when
    the commune's settings are saved. Only where the portal exists: a commune set up without
    its portal pages (a test suite) gets none. Returns the pages added."""
    home = commune.site.root_page.specific if commune.site_id else None
    if not isinstance(home, cms.HomePage):
        return []
    services_index = _child(home, cms.ServiceIndexPage)
    if services_index is None:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        return _add_service_pages(commune, services_index)


def list_under_life_events(commune, slug: str, keys) -> list:
    """Add the service ``slug`` to the commune's life event pages of ``keys`` that do not
    list it yet (a new revision, published: the page's history says who and when)."""
    home = commune.site.root_page.specific if commune.site_id else None
    if not keys or not isinstance(home, cms.HomePage):
        return []
    changed = []
    pages = cms.LifeEventPage.objects.descendant_of(home).filter(event_key__in=keys)
    for page in pages.specific():
        if slug in (page.services or []):
            continue
        if page.has_unpublished_changes:
            # An editor's draft stays a draft, with the service in it too.
            draft = page.get_latest_revision_as_object()
            draft.services = [*(draft.services or []), slug]
            draft.save_revision(log_action=True)
            page.services = [*(page.services or []), slug]
            page.save(update_fields=["services"])
        else:
            page.services = [*(page.services or []), slug]
            page.save_revision(log_action=True).publish()
        changed.append(page)
    return changed


def _contact_page(home) -> None:
    if _child(home, cms.ContactPage):
        return
    _add(
        home,
        cms.ContactPage(
            title=_("Contact the town hall"),
            slug=slugify(_("contact")),
            intro=_(
                "Write to the town hall online, call it or come and see us during opening hours."
            ),
        ),
    )


def ensure_portal_pages(commune) -> None:
    """Create the missing portal pages under the commune's home page."""
    home = commune.site.root_page.specific
    if not isinstance(home, cms.HomePage):
        return
    with translation.override(settings.LANGUAGE_CODE):
        services_index = _child(home, cms.ServiceIndexPage) or _add(
            home,
            cms.ServiceIndexPage(
                title=_("Online services"),
                intro=_("Do your formalities with the town hall online, at any time."),
            ),
        )
        _add_service_pages(commune, services_index)
        if not _child(home, cms.NewsIndexPage):
            _add(
                home,
                cms.NewsIndexPage(
                    title=_("News"),
                    intro=_("The life of the commune and of the town hall."),
                ),
            )

        events_index = _child(home, cms.LifeEventIndexPage) or _add(
            home,
            cms.LifeEventIndexPage(
                title=_("Your formalities by life event"),
                slug=slugify(_("life events")),
                intro=_("What to do, and where, at the important moments of life."),
            ),
        )
        if not cms.LifeEventPage.objects.child_of(events_index).exists():
            for key, title, intro, fiches in LIFE_EVENTS:
                _add(
                    events_index,
                    cms.LifeEventPage(
                        title=_(title),
                        event_key=key,
                        intro=_(intro),
                        services=services_of_life_event(key),
                        fiches=fiches,
                    ),
                )

        address = ", ".join(
            part
            for part in (
                commune.street_address,
                f"{commune.address_postal_code} {commune.address_city}".strip(),
            )
            if part
        )
        town_hall = _("Town hall of %(name)s") % {"name": commune.name}
        if not _child(home, cms.LegalNoticePage):
            _add(
                home,
                cms.LegalNoticePage(
                    title=_("Legal notice"),
                    publisher=town_hall,
                    publisher_address=address,
                    publication_director=_("The mayor of %(name)s") % {"name": commune.name},
                    host_name=getattr(settings, "ECOMMUNE_HOST_NAME", "") or town_hall,
                    host_address=getattr(settings, "ECOMMUNE_HOST_ADDRESS", "") or address,
                    host_phone=getattr(settings, "ECOMMUNE_HOST_PHONE", "")
                    or commune.phone_display,
                ),
            )
        if not _child(home, cms.PersonalDataPage):
            _add(
                home,
                cms.PersonalDataPage(
                    title=_("Personal data"),
                    controller=town_hall,
                    dpo_email=commune.contact_email,
                    dpo_address=address,
                ),
            )
        if not _child(home, cms.AccessibilityPage):
            _add(
                home,
                cms.AccessibilityPage(
                    title=_("Accessibility"), contact_email=commune.contact_email
                ),
            )
        _contact_page(home)
        if not _child(home, cms.SitemapPage):
            _add(home, cms.SitemapPage(title=_("Site map")))


class PortalPages(ProvisioningStep):
    """The portal's provisioning step: a ``HomePage`` for a new commune, then the portal's
    missing pages (services, life events, legal pages) when ``portal_pages`` is asked."""

    name = "portal_pages"
    order = 10

    def home_page(self, data):
        return cms.HomePage(title=data.name)

    def run(self, commune, *, portal_pages):
        if portal_pages:
            ensure_portal_pages(commune)


#: The one instance ``CmsConfig.ready`` registers.
PORTAL_STEP = PortalPages()
