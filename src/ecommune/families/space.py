"""What the family space's page (« Ma famille ») shows of the apps above families.

The school service adds the children's enrolments and its canteen and after-school care,
payments the household's invoices: each registers a ``Section`` in ``sections`` (the
kit's generic ``Registry``) from its ``AppConfig.ready``, and the page renders them
between the children and the address. Families never import them (the kit's floors).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ecommune.core.plugins import Registry


def _no_context(request, household) -> dict:
    return {}


@dataclass(frozen=True)
class Section:
    """A part of the family page: ``template`` rendered with what ``context(request,
    household)`` returns (None leaves the section out)."""

    name: str
    template: str
    order: int = 100
    context: Callable[..., dict | None] = field(default=_no_context)


sections: Registry[Section] = Registry(
    "family space section", key=lambda section: section.name, order=lambda s: s.order
)


def render_sections(request, household) -> list[SafeString]:
    rendered = []
    for section in sections:
        context = section.context(request, household)
        if context is not None:
            rendered.append(
                render_to_string(
                    section.template, {"household": household, **context}, request=request
                )
            )
    return rendered
