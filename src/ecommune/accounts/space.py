"""« Mon espace »: one page with everything of the signed-in resident in this commune.

The apps above accounts (requests, appointments, payments, families) each register a
``Section`` from their ``AppConfig.ready``; the page renders them in order. Accounts never
import them (the kit's floors). A section's ``context(request)`` makes a fixed number of
queries whatever the resident has (``tests/accounts/test_space.py`` counts them), and
returns None to leave the section out (a service the commune does not offer).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ecommune.core.plugins import Registry


@dataclass(frozen=True)
class Section:
    """A part of « Mon espace »: ``template`` rendered with ``context(request)``."""

    name: str
    template: str
    context: Callable[..., dict | None]
    order: int = 100


sections: Registry[Section] = Registry(
    "resident space section", key=lambda section: section.name, order=lambda s: s.order
)


def render_sections(request) -> list[SafeString]:
    rendered = []
    for section in sections:
        context = section.context(request)
        if context is not None:
            rendered.append(render_to_string(section.template, context, request=request))
    return rendered
