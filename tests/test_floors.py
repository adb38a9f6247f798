"""The kit's floors (``[tool.importlinter]`` in pyproject.toml), checked with the suite as
well as by ``make lint``: no lower floor imports a higher one, even inside a function."""

import tomllib
from pathlib import Path

import pytest

importlinter_cli = pytest.importorskip("importlinter.cli")

ROOT = Path(__file__).resolve().parent.parent


def _floors() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = config["tool"]["importlinter"]["contracts"]
    return contract["layers"]


def test_the_layers_contract_is_kept(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert importlinter_cli.lint_imports(no_cache=True, no_logo=True) == 0


def test_the_floors_are_the_designs():
    floors = _floors()
    order = {name.strip("()"): floors.index(floor) for floor in floors for name in floor.split()}
    # Lowest last: core under accounts under notifications under requests under families,
    # under payments and appointments, under the services, under cms, under the demo.
    chain = ["demo", "cms", "services", "payments", "families", "requests", "notifications"]
    chain += ["accounts", "core"]
    assert [order[name] for name in chain] == sorted(order[name] for name in chain)
    assert order["payments"] == order["appointments"]
    assert "payments | appointments" in floors  # independent of each other
