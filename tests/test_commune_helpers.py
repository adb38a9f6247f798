"""What a view or a message asks of the commune: one ``require_commune(request)`` for the
views, one ``Commune.public_url(path)`` for every absolute link the kit sends."""

import ast
from pathlib import Path

import pytest
from django.http import Http404
from django.test import RequestFactory

import ecommune
from ecommune.core import tenancy
from ecommune.core.tenancy import require_commune

pytestmark = [pytest.mark.django_db, pytest.mark.outside_commune]

SOURCE = Path(ecommune.__file__).parent


def test_a_view_gets_the_commune_its_host_serves_and_a_404_without_one(commune):
    request = RequestFactory().get("/")
    request.commune = commune
    assert require_commune(request) == commune
    request.commune = None
    with pytest.raises(Http404):
        require_commune(request)
    with tenancy.using(commune):
        assert require_commune(RequestFactory().get("/")) == commune


def test_a_public_link_is_on_the_communes_own_host(commune, settings):
    settings.ECOMMUNE_PUBLIC_SCHEME = "https"
    assert commune.public_url("/demarches/suivi/") == "https://commune-a.test/demarches/suivi/"
    commune.site.port = 8443
    assert commune.public_url("/") == "https://commune-a.test:8443/"


def _defines(name_test):
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if "/migrations/" in relative or relative.startswith("scaffold/template/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and name_test(node):
                found.append(f"{relative}:{node.lineno} {node.name}")
    return found


def _raises_404_without_a_commune(node) -> bool:
    """``if commune is None: raise Http404`` in a function: a copy of ``require_commune``."""
    for inner in ast.walk(node):
        if (
            isinstance(inner, ast.If)
            and isinstance(inner.test, ast.Compare)
            and isinstance(inner.test.left, ast.Name)
            and inner.test.left.id == "commune"
            and isinstance(inner.test.ops[0], ast.Is)
            and any(
                isinstance(statement, ast.Raise)
                and "Http404" in ast.unparse(statement.exc or ast.Constant(None))
                for statement in inner.body
            )
        ):
            return True
    return False


def test_no_module_keeps_its_own_copy_of_either():
    copies = _defines(_raises_404_without_a_commune)
    assert [copy for copy in copies if not copy.startswith("core/tenancy.py")] == []
    assert len(copies) == 1, copies
    assert [copy.split(":")[0] for copy in _defines(lambda node: node.name == "public_url")] == [
        "core/models.py"
    ]
