"""The portal's page tree for a commune: online services, life events, legal pages.

Called by ``ecommune.core.provisioning.setup_commune`` so that every commune starts with
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
from ecommune.core.registry import registry

# (title, intro, service slugs, fiche identifiers) — the report's Proposition 4.
LIFE_EVENTS = (
    (
        gettext_noop("I am having a child"),
        gettext_noop("Declaring the birth, getting the birth certificate, childcare and school."),
        ["civil_status", "school"],
        "F1427",
    ),
    (
        gettext_noop("I am moving house"),
        gettext_noop("Telling the town hall, changing your address on the electoral roll, school."),
        ["elections", "contact", "school"],
        "F1372",
    ),
    (
        gettext_noop("I am getting married"),
        gettext_noop(
            "Marriage or civil partnership at the town hall, the certificates to provide."
        ),
        ["civil_status", "contact"],
        "",
    ),
    (
        gettext_noop("A relative has died"),
        gettext_noop("Declaring the death, death certificates and the first steps."),
        ["civil_status", "contact"],
        "",
    ),
    (
        gettext_noop("Elections"),
        gettext_noop("Registering on the electoral roll, voting by proxy, polling stations."),
        ["elections"],
        "F1367, F1372, N47",
    ),
    (
        gettext_noop("School and after-school"),
        gettext_noop("Enrolling your child at school, the canteen and after-school care."),
        ["school"],
        "",
    ),
    (
        gettext_noop("I need an identity card or a passport"),
        gettext_noop(
            "The pre-application online on the ANTS site, then an appointment at the town "
            "hall to give the file and the fingerprints."
        ),
        [],
        "F1341, F14929",
    ),
)


# What a service page says at first, for the kit's services; a service may instead declare
# ``who_can_ask`` and ``documents`` (plain text) on its class.
SERVICE_TEXTS = {
    "contact": (
        gettext_noop("Anyone: residents, associations, businesses."),
        gettext_noop("None. You may attach a photo or a document to your message."),
    ),
    "civil_status": (
        gettext_noop(
            "For a full copy or an extract with parentage: the person named in the act, "
            "their ascendants, descendants, spouse, legal representative or a holder of their "
            "written mandate. For an extract without parentage or a death act: anyone."
        ),
        gettext_noop(
            "No document: give the names, date and place of the event and the parents' names."
        ),
    ),
    "elections": (
        gettext_noop(
            "French citizens aged 18 or more with a link to the commune (home, 6 months' "
            "residence or local taxes); European Union citizens for municipal and European "
            "elections."
        ),
        gettext_noop("A proof of identity and a proof of address of less than 3 months."),
    ),
    "school": (
        gettext_noop("The child's parents or legal guardians living in the commune."),
        gettext_noop(
            "The child's identity, the responsible adults' identity and a proof of address; "
            "a sworn statement is accepted."
        ),
    ),
}


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
        who_can_ask, documents = SERVICE_TEXTS.get(service.slug, ("", ""))
        page = cms.ServicePage(
            title=str(service.title),
            service_slug=service.slug,
            intro=str(service.summary),
            who_can_ask=_paragraph(getattr(service, "who_can_ask", None) or who_can_ask),
            documents=_paragraph(getattr(service, "documents", None) or documents),
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
            for title, intro, services, fiches in LIFE_EVENTS:
                _add(
                    events_index,
                    cms.LifeEventPage(
                        title=_(title),
                        intro=_(intro),
                        # Only registered services: a slug the registry lacks is refused.
                        services=[slug for slug in services if slug in registry],
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
