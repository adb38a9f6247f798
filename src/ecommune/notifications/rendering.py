"""The wording of a notification: a commune's own template, else the kit's default.

``render_notification(event, channel, commune, context)`` returns the subject and
text to queue. A commune writes its templates in the back office with Django's
template syntax; they run in a separate engine that can load no other template
and no tag library, so an agent's template reads the variables it is given and
nothing else. The kit's default wording lives in template files, in English
source strings translated by the catalogue:
``ecommune_notifications/<event>.<channel>.txt`` (and ``<event>.email.subject.txt``,
optionally ``<event>.email.html``), with ``ecommune_notifications/<service>/…``
first for one service. A theme may override those files like any template.
"""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.defaulttags import DebugNode, LoadNode
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ecommune.core.phones import format_french_phone
from ecommune.notifications.events import events
from ecommune.notifications.models import Channel, NotificationTemplate

logger = logging.getLogger("ecommune.notifications")

TEMPLATE_FOLDER = "ecommune_notifications"
SUBJECT_MAX_LENGTH = 255

# Loads nothing from disk and no tag library: {% include %}, {% extends %} and {% load %} fail.
_commune_engine = Engine(loaders=[], libraries={}, autoescape=False)
_FORBIDDEN_NODES = (DebugNode, ExtendsNode, IncludeNode, LoadNode)


class NotificationTemplateMissing(LookupError):
    """Neither the commune nor the kit has a wording for this event on this channel."""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    html_body: str = ""


def compile_commune_template(source: str):
    """Compile a commune's template, or raise ValidationError with a message for the agent."""
    try:
        template = _commune_engine.from_string(source or "")
    except TemplateSyntaxError as exc:
        raise ValidationError(
            _("This template cannot be read: %(error)s"),
            code="template_syntax",
            params={"error": exc},
        ) from exc
    for node_class in _FORBIDDEN_NODES:
        if template.nodelist.get_nodes_by_type(node_class):
            raise ValidationError(
                _("Only variables, {% if %} and {% for %} may be used in a message template."),
                code="template_tag",
            )
    return template


def base_context(commune) -> dict:
    return {
        "commune_name": commune.name,
        "commune_email": commune.contact_email,
        "commune_phone": format_french_phone(commune.contact_phone)
        if commune.contact_phone
        else "",
    }


def render_notification(
    event: str,
    channel: str,
    commune,
    context: dict | None = None,
    *,
    service: str = "",
    language: str | None = None,
) -> RenderedMessage:
    """The subject (emails only) and text of ``event`` on ``channel`` for ``commune``.

    The commune's active template wins (one written for ``service`` first, then one for
    every service) unless the event is not customisable; otherwise the kit's default
    files. Rendered in ``language``, the site's language (``LANGUAGE_CODE``) by default:
    residents read the town hall's messages in French whatever language their browser
    asked for.
    """
    full_context = {**base_context(commune), **(context or {})}
    customisable = event not in events or events.get(event).customisable
    with translation.override(language or settings.LANGUAGE_CODE):
        rendered = None
        if customisable:
            rendered = _render_commune_template(event, channel, commune, service, full_context)
        if rendered is None:
            rendered = _render_default(event, channel, service, full_context)
    return rendered


def _render_commune_template(event, channel, commune, service, context):
    rows = sorted(
        NotificationTemplate.objects.for_commune(commune).filter(
            event=event, channel=channel, active=True, service__in={service, ""}
        ),
        # The service's own row first.
        key=lambda row: row.service == "",
    )
    if not rows:
        return None
    row = rows[0]
    try:
        subject = (
            compile_commune_template(row.subject).render(Context(context, autoescape=False))
            if channel == Channel.EMAIL
            else ""
        )
        body = compile_commune_template(row.body).render(Context(context, autoescape=False))
    except (ValidationError, TemplateSyntaxError, TemplateDoesNotExist) as exc:
        # A template that no longer renders must not lose the message: the kit's wording goes.
        logger.warning("Commune template %s is broken, using the default: %s", row.pk, exc)
        return None
    return RenderedMessage(subject=_one_line(subject), body=_tidy(body))


def _default_names(event, channel, service, suffix):
    names = [f"{TEMPLATE_FOLDER}/{event}.{channel}{suffix}"]
    if service:
        names.insert(0, f"{TEMPLATE_FOLDER}/{service}/{event}.{channel}{suffix}")
    return names


def _render_file(names, context, *, autoescape=False, required=True):
    engine = engines["django"].engine
    try:
        template = engine.select_template(names)
    except TemplateDoesNotExist:
        if required:
            raise NotificationTemplateMissing(
                f"No template for {names[-1]}: write one or register the event's channels."
            ) from None
        return ""
    return template.render(Context(context, autoescape=autoescape))


def _render_default(event, channel, service, context):
    body = _render_file(_default_names(event, channel, service, ".txt"), context)
    subject = html_body = ""
    if channel == Channel.EMAIL:
        subject = _render_file(_default_names(event, channel, service, ".subject.txt"), context)
        html_body = _render_file(
            _default_names(event, channel, service, ".html"),
            context,
            autoescape=True,
            required=False,
        )
    return RenderedMessage(
        subject=_one_line(subject), body=_tidy(body), html_body=html_body.strip()
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())[:SUBJECT_MAX_LENGTH]


def _tidy(text: str) -> str:
    """Template tags leave blank lines behind: trailing spaces go, paragraphs keep one."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
