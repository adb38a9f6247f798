"""Check the French catalogue: up to date with the code, complete, and compiled.

Run by `make lint`. It regenerates the catalogue with makemessages and fails when
that changed anything (other than the creation date), when a message has no
French translation or is fuzzy, or when the committed .mo is not the compiled .po.
`make messages` updates both files.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "ecommune"
PO = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
DATE_LINE = re.compile(r'^"POT-Creation-Date: .*\\n"\n', re.MULTILINE)


def run(*args, cwd=PACKAGE):
    # This checkout's package first, even when another checkout is installed in the venv.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        # makemessages runs in src/ecommune: without this, the folder `payments` there
        # would shadow the django-payments library.
        "PYTHONSAFEPATH": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    return subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True, text=True)


def msgids(catalogue: str) -> list[str]:
    """Every message's msgid, a long one wrapped over several lines joined back."""
    return [
        "".join(re.findall(r'^"(.*)"$', pieces, re.MULTILINE))
        for pieces in re.findall(r'^msgid ((?:".*"\n)+)', catalogue + "\n", re.MULTILINE)
    ]


def main() -> int:
    before = PO.read_text(encoding="utf-8") if PO.exists() else ""
    run(
        sys.executable,
        "-m",
        "django",
        "makemessages",
        "-l",
        "fr",
        "--no-obsolete",
        "--no-location",
        "--ignore",
        "scaffold/template/*",
    )
    after = PO.read_text(encoding="utf-8")
    problems = []
    if DATE_LINE.sub("", before) != DATE_LINE.sub("", after):
        problems.append(
            "the catalogue was out of date with the code "
            "(now regenerated: translate it, then run `make messages`)"
        )
    untranslated = run("msgattrib", "--untranslated", "--no-obsolete", str(PO)).stdout
    fuzzy = run("msgattrib", "--only-fuzzy", "--no-obsolete", str(PO)).stdout
    missing = [m for m in msgids(untranslated) if m]
    if missing:
        problems.append(f"{len(missing)} untranslated message(s), such as: {missing[:5]}")
    if fuzzy.strip():
        problems.append("fuzzy messages: " + ", ".join([m for m in msgids(fuzzy) if m][:5]))
    with tempfile.TemporaryDirectory() as folder:
        compiled = Path(folder) / "django.mo"
        run("msgfmt", "--check", "-o", str(compiled), str(PO))
        if not MO.exists() or compiled.read_bytes() != MO.read_bytes():
            problems.append("django.mo is not the compiled django.po: run `make messages`")
    if problems:
        print("French catalogue: " + "; ".join(problems), file=sys.stderr)
        return 1
    count = len(re.findall(r'^msgid "', after, re.MULTILINE)) - 1
    print(f"French catalogue: {count} messages, all translated and compiled.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
