"""Every entry of the back office's menus shows an icon: its name is one Wagtail (or a
``register_icons`` hook) provides — a name that is not (« credit-card ») draws nothing."""

from pathlib import PurePosixPath

from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem, admin_menu, settings_menu


def known_icons() -> set[str]:
    icons = []
    for register in hooks.get_hooks("register_icons"):
        icons = register(icons)
    return {PurePosixPath(icon).stem for icon in icons}


def every_item(menu):
    for item in menu.registered_menu_items:
        yield item
        if isinstance(item, SubmenuMenuItem):
            yield from every_item(item.menu)


def test_every_menu_entry_has_an_icon_that_exists():
    icons = known_icons()
    assert {"table", "cog", "group"} <= icons
    items = [*every_item(admin_menu), *every_item(settings_menu)]
    assert len(items) >= 20
    missing = {item.label: item.icon_name for item in items if item.icon_name not in icons}
    assert missing == {}


def test_every_icon_the_kits_code_names_exists():
    """Menus, viewsets, page headers, settings, buttons: any icon name written in the kit."""
    import re
    from pathlib import Path

    import ecommune

    icons = known_icons()
    named = re.compile(r"""\b(?:icon|icon_name|header_icon|menu_icon)\s*=\s*["']([a-z0-9-]+)["']""")
    found = {}
    for path in Path(ecommune.__file__).parent.rglob("*.py"):
        for name in named.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, path.name)
    assert len(found) >= 20
    assert {name: where for name, where in found.items() if name not in icons} == {}
