"""Every management command the kit ships refuses bad arguments with a message and exit
status 2, never a traceback (issue 13, class 8: a NUL byte in ``ecommune_setup_commune``'s
INSEE code gave one).

The commands are found by Django (every ``ecommune.*`` app's ``management/commands``) and
checked against the files in the source; their arguments are read from their own parsers.
Each argument gets each hostile value (the other required ones sensible), as it would from
the command line (``manage.py <command> …``, run in this process: argparse's errors, the
``CommandError`` handling and the exit status are the command line's). A path argument
also gets files with hostile content. Exit status 0 is fine when the value is harmless
(a file name such as ``abc`` for the demo's credentials).
"""

import contextlib
import io
import json
import traceback
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, get_commands, load_command_class
from django.db import connections, transaction

from ecommune.core.provisioning import CommuneData
from ecommune.testing.factories import make_commune
from tests.hostile import HOSTILE, SOURCE

pytestmark = pytest.mark.django_db
# Django 6.1 deprecates savepoint() for savepoint_create(); 5.2 has only the first.
SAVEPOINT = getattr(transaction, "savepoint_create", transaction.savepoint)

#: Options every Django command has, not the kit's.
DJANGO_OPTIONS = {
    "help",
    "version",
    "verbosity",
    "settings",
    "pythonpath",
    "traceback",
    "no_color",
    "force_color",
    "skip_checks",
}
VALID_COMMUNE = {
    "name": "Commune-Z",
    "insee_code": "44998",
    "postal_codes": "44980",
    "domain": "commune-z.test",
}


def kit_commands() -> dict[str, str]:
    return {name: app for name, app in get_commands().items() if app.startswith("ecommune")}


def own_arguments(name: str, app: str) -> list:
    parser = load_command_class(app, name).create_parser("manage.py", name)
    return [action for action in parser._actions if action.dest not in DJANGO_OPTIONS]


def run(argv: list[str]) -> tuple[object, str]:
    """``manage.py`` with ``argv`` in this process: (exit status or "traceback", stderr)."""
    out, err = io.StringIO(), io.StringIO()
    savepoint = SAVEPOINT()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                ManagementUtility(["manage.py", *argv]).execute()
                status = 0
            except SystemExit as exit:
                status = exit.code if isinstance(exit.code, int) else int(bool(exit.code))
            except Exception:
                traceback.print_exc()
                status = "traceback"
    finally:
        transaction.savepoint_rollback(savepoint)
    return status, err.getvalue()


@pytest.fixture
def command_line(monkeypatch, tmp_path):
    """The command line's handling, inside the test's transaction: its closing of the
    database connections is skipped (each run rolls back to a savepoint instead), files a
    command writes land in a temporary folder."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    monkeypatch.chdir(tmp_path)
    return run


def hostile_files(folder: Path) -> list[str]:
    """Files and folders for a path argument: empty, not text, not JSON, a JSON list, a
    commune with each field in turn set to each hostile value, fiches with a NUL byte."""
    folder.mkdir()
    files = {
        "empty.json": b"",
        "binary.json": bytes(range(256)),
        "list.json": b"[1, 2]",
        "nul.xml": b"<?xml version='1.0'?><Publication ID='F\x00'/>",
    }
    for key in CommuneData.__dataclass_fields__:
        for label, value in HOSTILE.items():
            data = {**VALID_COMMUNE, key: value}
            files[f"commune-{key}-{label}.json"] = json.dumps(data).encode()
    paths = []
    for name, content in files.items():
        (folder / name).write_bytes(content)
        paths.append(str(folder / name))
    fiches = folder / "fiches"
    fiches.mkdir()
    (fiches / "F1.xml").write_bytes(files["nul.xml"])
    return [*paths, str(fiches)]


def test_the_commands_found_are_the_kits_files():
    files = {
        path.stem
        for path in SOURCE.rglob("management/commands/*.py")
        if not path.name.startswith("_")
    }
    assert set(kit_commands()) == files
    assert len(files) >= 13


def test_every_command_refuses_bad_arguments_with_status_2(command_line, tmp_path):
    commune = make_commune("Commune-Y", "commune-y.test", insee_code="44997")
    sensible = {"commune": commune.insee_code, "month": "2026-11"}
    files = hostile_files(tmp_path / "files")
    problems, runs = [], 0
    for name, app in sorted(kit_commands().items()):
        arguments = own_arguments(name, app)
        # A command without arguments of its own: argparse refuses any.
        cases = [(None, value) for value in HOSTILE.values()] if not arguments else []
        for action in arguments:
            values = list(HOSTILE.values())
            if action.dest == "path":
                values += files
            elif action.dest == "credentials":
                values += [file for file in files if "commune-" not in file]
            cases += [(action, value) for value in values]
        for action, value in cases:
            argv = [name]
            for other in arguments:
                if other is not action and (other.required or not other.option_strings):
                    argv += [*other.option_strings[:1], sensible.get(other.dest, "x")]
            if action is None:
                argv.append(value)
            elif action.option_strings:
                argv.append(f"{action.option_strings[0]}={value}")
            else:
                argv.append(value)
            status, stderr = command_line(argv)
            runs += 1
            shown = " ".join(argv)[:150]
            if status not in (0, 2) or "Traceback" in stderr:
                problems.append(f"{shown}: status {status}\n{stderr[-600:]}")
            elif status == 2 and not stderr.strip():
                problems.append(f"{shown}: status 2 without a message")
    print(f"\n{len(kit_commands())} commands, {runs} runs")
    assert not problems, "\n".join(problems)


def test_a_nul_byte_in_the_insee_code_is_a_message(command_line, tmp_path):
    path = tmp_path / "commune.json"
    path.write_text(json.dumps({**VALID_COMMUNE, "insee_code": "44\x00998"}), encoding="utf-8")
    status, stderr = command_line(["ecommune_setup_commune", str(path)])
    assert status == 2
    assert stderr.strip() == "CommandError: insee_code: must not contain a NUL byte."


def test_a_wrong_date_names_the_argument(command_line):
    status, stderr = command_line(["ecommune_agent_digest", "--date", "9999-12-31"])
    assert status == 2
    assert "argument --date: '9999-12-31' is not a date YYYY-MM-DD between 1800 and 2200" in (
        stderr
    )
