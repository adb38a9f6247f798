"""No secret key in the source: the demo and a development site without SECRET_KEY make their
own in their folder on first run (mode 0600) and keep it; production requires SECRET_KEY."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ecommune.conf.secret_key import FILE_NAME, read_or_create

SRC = Path(__file__).resolve().parent.parent / "src" / "ecommune"
CLEARED = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "ECOMMUNE_BASE_DIR", "SECRET_KEY")


def settings_key(module, **environment):
    """The SECRET_KEY a fresh process gets from ``module`` with this environment."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(environment, DJANGO_SETTINGS_MODULE=module)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_folder_gets_a_random_key_once_readable_by_its_owner_only(tmp_path):
    key = read_or_create(tmp_path / FILE_NAME)
    assert len(key) >= 50 and len(set(key)) >= 5
    assert stat.S_IMODE((tmp_path / FILE_NAME).stat().st_mode) == 0o600
    assert read_or_create(tmp_path / FILE_NAME) == key
    assert read_or_create(tmp_path / "other" / FILE_NAME) != key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", FILE_NAME]


def test_processes_starting_together_share_one_key(tmp_path):
    """The web process and the worker start at once: both end up with the same key."""
    code = (
        "import sys; from ecommune.conf.secret_key import read_or_create; "
        "print(read_or_create(sys.argv[1]))"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path / FILE_NAME)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    keys = {process.communicate(timeout=60)[0].strip() for process in processes}
    assert keys == {(tmp_path / FILE_NAME).read_text().strip()}
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]


def test_a_folder_that_cannot_hold_the_key_says_to_set_secret_key(tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        read_or_create(tmp_path / "a-file" / FILE_NAME)


def test_the_demo_uses_its_own_folder_key_whatever_the_environment(tmp_path):
    first = settings_key(
        "ecommune.conf.demo", ECOMMUNE_DEMO_DIR=str(tmp_path / "a"), SECRET_KEY="from-the-shell"
    )
    assert first == (tmp_path / "a" / FILE_NAME).read_text().strip()
    assert stat.S_IMODE((tmp_path / "a" / FILE_NAME).stat().st_mode) == 0o600
    assert settings_key("ecommune.conf.demo", ECOMMUNE_DEMO_DIR=str(tmp_path / "a")) == first
    other = settings_key("ecommune.conf.demo", ECOMMUNE_DEMO_DIR=str(tmp_path / "b"))
    assert other != first


def test_a_development_site_without_secret_key_gets_one_in_its_folder(tmp_path):
    key = settings_key("ecommune.conf.settings", ECOMMUNE_BASE_DIR=str(tmp_path))
    assert key == (tmp_path / FILE_NAME).read_text().strip()
    given = "a-key-given-by-the-environment-" + "x" * 40
    assert (
        settings_key("ecommune.conf.settings", ECOMMUNE_BASE_DIR=str(tmp_path), SECRET_KEY=given)
        == given
    )


def test_no_secret_key_is_written_in_the_source():
    """Neither the kit, its demo nor the scaffold's template sets SECRET_KEY to a literal or
    gives it a non-empty default."""
    literal = re.compile(
        r"""^[ \t]*SECRET_KEY[ \t]*=[ \t]*(?:[rbuf]?["'][^"']|.*\([ \t]*["']SECRET_KEY["'][ \t]*,"""
        r"""[ \t]*default[ \t]*=[ \t]*["'][^"'])""",
        re.MULTILINE,
    )
    in_env_file = re.compile(r"^[ \t]*SECRET_KEY[ \t]*=[ \t]*\S", re.MULTILINE)
    python = [p for p in SRC.rglob("*") if p.is_file() and p.suffix in (".py", ".cfg", ".toml")]
    env_files = list(SRC.rglob(".env*"))
    assert len(python) > 100 and env_files
    offenders = [p for p in python if literal.search(p.read_text(encoding="utf-8"))]
    offenders += [p for p in env_files if in_env_file.search(p.read_text(encoding="utf-8"))]
    assert not offenders
    assert "ecommune-development-only-not-secret" not in (SRC / "conf" / "settings.py").read_text()
