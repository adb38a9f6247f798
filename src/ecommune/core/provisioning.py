"""Creating or updating a commune: its Wagtail Site, home page and settings.

One function serves the scaffolded site's ``ecommune_setup_commune`` command,
the demo and the tests, so that a commune is always set up the same way.
It is idempotent: running it again updates what exists.

What the apps above core add to a commune (its home page's type, the portal's pages) they
register as a ``ProvisioningStep`` in ``steps``: core never imports them (the kit's floors,
checked by import-linter). ``ecommune.cms`` registers the home page and the portal pages.
"""

from dataclasses import dataclass

from django.db import transaction
from wagtail.models import Page, Site

from ecommune.core.models import Commune
from ecommune.core.plugins import Registry
from ecommune.core.registry import registry


@dataclass
class CommuneData:
    name: str
    insee_code: str
    postal_codes: str
    domain: str
    contact_email: str = ""
    contact_phone: str = ""
    street_address: str = ""
    address_postal_code: str = ""
    address_city: str = ""
    theme: str = "commune"
    main_colour: str = "#1f4e8c"
    enabled_services: list[str] | None = None
    # None leaves what the back office set; "" goes back to the install's sender.
    sender_email: str | None = None
    sms_sender: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "CommuneData":
        known = set(cls.__dataclass_fields__)
        values = {key: value for key, value in data.items() if key in known}
        for key, value in values.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                values[key] = str(value)  # "insee_code": 44999 is meant as text
        if isinstance(values.get("enabled_services"), str):
            values["enabled_services"] = [
                s.strip() for s in values["enabled_services"].split(",") if s.strip()
            ]
        return cls(**values)

    def check(self) -> None:
        """Refuse, before anything is written, what no column can hold: something else than
        text, a NUL byte (PostgreSQL stores none), text longer than its column (the Site's
        host name and the home page's title included). Raises ``ValidationError``."""
        from django.core.exceptions import ValidationError

        limits = {
            field.name: field.max_length
            for field in Commune._meta.get_fields()
            if getattr(field, "max_length", None)
        }
        limits["domain"] = Site._meta.get_field("hostname").max_length
        limits["name"] = min(limits["name"], Page._meta.get_field("title").max_length)
        errors = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            for item in value if isinstance(value, list | tuple) else [value]:
                if item is None and name in ("enabled_services", "sender_email", "sms_sender"):
                    continue
                if not isinstance(item, str):
                    errors.setdefault(name, []).append("must be text.")
                elif "\x00" in item:
                    errors.setdefault(name, []).append("must not contain a NUL byte.")
                elif name in limits and len(item) > limits[name]:
                    errors.setdefault(name, []).append(
                        f"at most {limits[name]} characters, not {len(item)}."
                    )
        if errors:
            raise ValidationError(errors)


class ProvisioningStep:
    """What an app adds when a commune is set up, registered in ``steps`` under its name."""

    name = ""
    #: Steps run in this order (lowest first).
    order = 100

    def home_page(self, data: CommuneData) -> Page | None:
        """An unsaved page to be a new commune's home page, or None to leave it to others."""
        return None

    def run(self, commune: Commune, *, portal_pages: bool) -> None:
        """Called once the commune is saved, on creation and on every update."""


#: The provisioning steps of the installed apps (``ecommune.core.plugins.Registry``).
steps: Registry[ProvisioningStep] = Registry(
    "provisioning step", key=lambda step: step.name, order=lambda step: step.order
)


@transaction.atomic
def setup_commune(
    data: CommuneData, *, default_site: bool = False, portal_pages: bool | None = None
) -> Commune:
    """Create or update the commune served on ``data.domain``; returns its settings.

    ``portal_pages`` adds the portal's missing pages (services, life events, legal pages);
    None follows the ``ECOMMUNE_PORTAL_PAGES`` setting (True unless a test suite saves the
    second it costs per commune)."""
    data.check()
    site = Site.objects.filter(hostname=data.domain, port=80).select_related("root_page").first()
    if site is None:
        root = ensure_page_tree()
        home = _new_home_page(data)
        home.slug = _free_slug(root, data.domain)
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.create(
            hostname=data.domain,
            port=80,
            root_page=home,
            site_name=data.name,
            is_default_site=False,
        )
    else:
        site.site_name = data.name
        site.save(update_fields=["site_name"])
    if default_site and not site.is_default_site:
        Site.objects.filter(is_default_site=True).update(is_default_site=False)
        site.is_default_site = True
        site.save(update_fields=["is_default_site"])

    commune = Commune.for_site(site)
    commune.name = data.name
    commune.insee_code = data.insee_code
    commune.postal_codes = data.postal_codes
    commune.contact_email = data.contact_email
    commune.contact_phone = data.contact_phone
    commune.street_address = data.street_address
    commune.address_postal_code = data.address_postal_code
    commune.address_city = data.address_city or data.name
    commune.theme = data.theme
    commune.main_colour = data.main_colour
    if data.sender_email is not None:
        commune.sender_email = data.sender_email
    if data.sms_sender is not None:
        commune.sms_sender = data.sms_sender
    # Unknown slugs are refused by full_clean() below, with their names.
    commune.enabled_services = (
        list(data.enabled_services)
        if data.enabled_services is not None
        else [service.slug for service in registry]
    )
    commune.full_clean(exclude=["site", "coat_of_arms"])
    commune.save()
    if portal_pages is None:
        from django.conf import settings

        portal_pages = getattr(settings, "ECOMMUNE_PORTAL_PAGES", True)
    for step in steps:
        step.run(commune, portal_pages=portal_pages)
    return commune


def _new_home_page(data: CommuneData) -> Page:
    """The first registered step's home page (the portal's, with ``ecommune.cms``), else a
    plain Wagtail page."""
    for step in steps:
        page = step.home_page(data)
        if page is not None:
            return page
    return Page(title=data.name)


def ensure_page_tree() -> Page:
    """Wagtail's root page, root collection and default locale, which its migrations create;
    recreated if a flushed database (a transactional test, a restored dump) lost them."""
    from django.conf import settings
    from wagtail.models import Collection, Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    return Page.get_first_root_node() or Page.add_root(title="Root", slug="root")


def remove_wagtail_welcome_page() -> None:
    """Wagtail's first migration leaves a 'Welcome' page on a localhost site: not ours."""
    from wagtail.models import Page as WagtailPage

    for page in WagtailPage.objects.filter(depth=2, content_type__model="page"):
        Site.objects.filter(root_page=page).delete()
        page.delete()


def _free_slug(root: Page, domain: str) -> str:
    from django.utils.text import slugify

    base = slugify(domain.replace(".", "-")) or "commune"
    slug, n = base, 1
    while root.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
