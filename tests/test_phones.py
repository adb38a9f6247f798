"""Phone rules live in one module, ``ecommune.core.phones``: reading, checking, showing,
dialling and texting a French number."""

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

import ecommune
from ecommune.core import phones

#: What a function holding a phone rule is called (a form's ``clean_phone`` calls one).
RULE_NAME = re.compile(r"^_?(normali[sz]e|validate|format|parse|to)_\w*(phone|mobile|e164)")


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("07.12.34.56.78", "+33712345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("0692 12 34 56", "+262692123456"),
        ("0696-12-34-56", "+596696123456"),
    ],
)
def test_a_mobile_is_texted_in_its_international_form(typed, e164):
    phones.validate_french_mobile(typed)
    assert phones.to_e164(typed) == e164


@pytest.mark.parametrize("typed", ["02 40 41 00 00", "12345", "+44 7700 900123"])
def test_a_landline_or_a_foreign_number_gets_no_sms(typed):
    with pytest.raises(ValidationError) as refused:
        phones.to_e164(typed)
    assert refused.value.code == "invalid_mobile"


def test_the_town_halls_number_is_shown_the_french_way_and_dialled_as_typed():
    assert phones.format_french_phone("+33240410000") == "02 40 41 00 00"
    assert phones.tel_uri("02.40.41.00.00") == "tel:0240410000"
    assert phones.tel_uri("(02) 40-41-00-00") == "tel:0240410000"
    assert phones.tel_uri("") == ""


def test_no_other_module_of_the_kit_writes_its_own_phone_rules():
    """A regular expression or a function about phone numbers outside ``core/phones.py``
    is a second copy of the rules."""
    source = Path(ecommune.__file__).parent
    found = []
    for path in sorted(source.rglob("*.py")):
        relative = path.relative_to(source).as_posix()
        if relative == "core/phones.py" or "/migrations/" in relative:
            continue
        if relative.startswith("scaffold/template/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and RULE_NAME.match(node.name):
                found.append(f"{relative}:{node.lineno} def {node.name}")
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id.upper() in {"PHONE_RE", "MOBILE_RE"}
                for target in node.targets
            ):
                found.append(f"{relative}:{node.lineno}")
    assert found == []
