"""`ecommune demo --prepare-only` migrates, seeds and prints the accounts; a rerun reuses them."""

import os
import re
import subprocess
import sys


def run_demo(folder):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "ECOMMUNE_BASE_DIR")
    }
    return subprocess.run(
        [sys.executable, "-m", "ecommune.cli", "demo", "--dir", str(folder), "--prepare-only"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_demo_prepares_once_and_reuses_what_exists(tmp_path):
    first = run_demo(tmp_path / "demo")
    assert first.returncode == 0, first.stderr
    assert "http://127.0.0.1:8000/admin/" in first.stdout
    passwords = re.findall(r"mot de passe (\S+)", first.stdout)
    assert len(passwords) == 2
    assert (tmp_path / "demo" / "db.sqlite3").exists()
    second = run_demo(tmp_path / "demo")
    assert second.returncode == 0, second.stderr
    assert re.findall(r"mot de passe (\S+)", second.stdout) == passwords


def test_doctor_without_settings_says_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "ecommune.cli", "doctor"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "DJANGO_SETTINGS_MODULE" in result.stderr
