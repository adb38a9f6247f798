"""The OpenAPI 3.1 document of ``/api/v1/``, generated from the views by drf-spectacular
(``SPECTACULAR_SETTINGS``), once per process and language, and the page that shows it."""

import functools
import json

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from ecommune.core.tenancy import require_commune


@functools.cache
def _document(language: str) -> bytes:
    from ecommune.api.urls import v1_patterns

    generator = SchemaGenerator(patterns=[path("api/v1/", include(v1_patterns))])
    with translation.override(language):
        schema = generator.get_schema(request=None, public=True)
    return OpenApiJsonRenderer().render(schema, renderer_context={})


def document() -> dict:
    return json.loads(_document(translation.get_language() or "fr"))


def openapi_json(request):
    """``/api/openapi.json``: the same for every host name (no commune data in it)."""
    answer = HttpResponse(
        _document(translation.get_language() or "fr"), content_type="application/json"
    )
    answer["Access-Control-Allow-Origin"] = "*"
    answer["Cache-Control"] = "public, max-age=3600"
    return answer


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    if "minimum" in schema or "maximum" in schema:
        kind = f"{kind}, {schema.get('minimum', '…')}–{schema.get('maximum', '…')}"
    return kind


def _fields(component: dict, components: dict, depth: int = 0, prefix: str = "") -> list:
    """The fields of a response, nested objects flattened as ``address.city``."""
    rows = []
    for name, schema in component.get("properties", {}).items():
        target = schema
        if schema.get("type") == "array":
            target = schema.get("items", {})
        nested = None
        if "$ref" in target:
            nested = components.get(target["$ref"].rsplit("/", 1)[-1])
        rows.append(
            {
                "name": prefix + name,
                "type": _type(schema)
                if "$ref" not in target
                else _type(target) + (" []" if schema.get("type") == "array" else ""),
                "nullable": "null" in (schema.get("type") or []) or "oneOf" in schema,
                "description": schema.get("description", ""),
            }
        )
        if nested and depth < 2:
            suffix = "[]." if schema.get("type") == "array" else "."
            rows += _fields(nested, components, depth + 1, prefix + name + suffix)
    return rows


def operations(doc: dict, commune) -> list[dict]:
    """Each operation of ``doc`` as the page lists it: method, path, example address,
    parameters, the fields of its answer."""
    components = doc.get("components", {}).get("schemas", {})
    listed = []
    for route, methods in doc.get("paths", {}).items():
        for method, operation in methods.items():
            parameters = operation.get("parameters", [])
            example = route
            for parameter in parameters:
                if parameter["in"] == "path":
                    example = example.replace(f"{{{parameter['name']}}}", "…")
            ok = operation.get("responses", {}).get("200", {}).get("content", {})
            media, body = next(iter(ok.items()), ("", {}))
            schema = body.get("schema", {})
            item = schema.get("items", schema) if schema.get("type") == "array" else schema
            component = components.get(item.get("$ref", "").rsplit("/", 1)[-1], {})
            listed.append(
                {
                    "id": operation.get("operationId", ""),
                    "method": method.upper(),
                    "path": route,
                    "example": commune.public_url(example),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in parameters
                    ],
                    "media": media,
                    "is_list": schema.get("type") == "array",
                    "fields": _fields(component, components),
                }
            )
    return listed


def docs_page(request):
    """``/api/``: the API described for people, from the schema, in the commune's theme."""
    commune = require_commune(request)
    doc = document()
    return render(
        request,
        "ecommune_api/docs.html",
        {
            "info": doc.get("info", {}),
            "openapi_version": doc.get("openapi", ""),
            "operations": operations(doc, commune),
        },
    )
