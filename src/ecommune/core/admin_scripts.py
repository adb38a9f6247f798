"""Wagtail's widgets under the kit's strict Content Security Policy.

Wagtail 8's choosers (image, page, document, snippet) and its date and time inputs start
with an inline script, one statement each: ``new ImageChooser("id_coat_of_arms", {…});``,
``initTimeChooser("id_…", {…});``. ``script-src 'self'`` blocks them, and the coat of arms
could not be chosen. Rather than ``'unsafe-inline'``, which would let any injected script
run in the back office, each admin page gets a nonce, given only to inline scripts that are
exactly one such statement: a widget constructor or initialiser called with a JSON string
and a JSON object. Anything else stays blocked.
"""

import re

#: One Wagtail widget start: a constructor or an ``init…Chooser`` call, an element id as a
#: JSON string, options as a JSON object, nothing after.
_WIDGET_START = re.compile(
    r"""\s*(?:new\s+[A-Za-z_][\w.]*|init(?:Date|Time|DateTime)Chooser)\(
        "(?:[^"\\<]|\\.)*"\s*,\s*\{[^<]*\}\s*\);?\s*""",
    re.VERBOSE,
)
#: A script element without attributes and its body (the body cannot hold a ``<``).
_INLINE_SCRIPT = re.compile(r"<script>([^<]*)</script>")


def add_nonces(html: str, nonce: str) -> tuple[str, int]:
    """``html`` with ``nonce`` on each inline script that is one widget start; returns the
    text and how many scripts got it."""
    count = 0

    def mark(match):
        nonlocal count
        if _WIDGET_START.fullmatch(match.group(1)) is None:
            return match.group(0)
        count += 1
        return f'<script nonce="{nonce}">{match.group(1)}</script>'

    return _INLINE_SCRIPT.sub(mark, html), count
