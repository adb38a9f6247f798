"""Every URL pattern of a site, each with a path that reaches it: for tests that must hold
on every page (headers, error handling) rather than on the few a test author thought of.

``url_pattern_paths()`` walks the URLconf (includes and namespaces alike) and, for each
pattern, fills its parameters with the first sample value that makes the whole pattern
match (Django's own ``normalize`` gives the shape of a pattern, route or regular
expression). A pattern no sample fits raises, so that a new kind of parameter is noticed
instead of being left out of the walk.
"""

import itertools
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize

# Tried in this order for each parameter: an id, a word, a path, a UUID, a date, nothing.
SAMPLE_VALUES = (
    "1",
    "a",
    "1/",
    "00000000-0000-4000-8000-000000000000",
    "2026-01-05",
    "",
)


@dataclass(frozen=True)
class PatternPath:
    route: str  # the pattern as written, includes joined: "demarches/<slug:slug>/"
    path: str  # a path that matches it: "/demarches/a/"
    name: str  # "namespace:name" when it has one


def url_pattern_paths(urlconf=None) -> list[PatternPath]:
    """One path per URL pattern of ``urlconf`` (the site's ROOT_URLCONF by default)."""
    found = []
    for chain, namespaces in _leaves(get_resolver(urlconf), [], []):
        route = "".join(str(p.pattern) for p in chain)
        name = ":".join([*namespaces, chain[-1].name]) if chain[-1].name else ""
        found.append(PatternPath(route=route, path=_sample_path(chain, route), name=name))
    return found


def _leaves(resolver, chain, namespaces):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = [*namespaces, entry.namespace] if entry.namespace else namespaces
            yield from _leaves(entry, [*chain, entry], inner)
        elif isinstance(entry, URLPattern):
            yield [*chain, entry], namespaces


def _sample_path(chain, route) -> str:
    regex = "".join(p.pattern.regex.pattern.removeprefix("^") for p in chain)
    compiled = re.compile("^" + regex)
    for template, params in normalize(regex):
        for values in itertools.product(SAMPLE_VALUES, repeat=len(params)):
            candidate = template % dict(zip(params, values, strict=True))
            if compiled.fullmatch(candidate):
                return "/" + candidate
    raise ValueError(f"No sample path matches the URL pattern {route!r}: add a sample value.")
