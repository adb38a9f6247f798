"""The wheel ships what an installed kit needs: templates, themes, catalogue, scaffold."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_templates_themes_catalogue_and_scaffold(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("ecommune-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        "ecommune/themes/commune/manifest.json",
        "ecommune/themes/commune/templates/base.html",
        "ecommune/themes/commune/static/css/commune.css",
        "ecommune/themes/dsfr/templates/ecommune_cms/_footer_links.html",
        # Engine templates travel with their apps (themes only override them).
        "ecommune/requests/templates/ecommune_requests/detail.html",
        "ecommune/cms/templates/ecommune_cms/home_page.html",
        "ecommune/accounts/templates/ecommune_accounts/login.html",
        "ecommune/families/templates/ecommune_families/family.html",
        "ecommune/families/migrations/0001_initial.py",
        "ecommune/demo/management/commands/ecommune_seed_demo.py",
        "ecommune/locale/fr/LC_MESSAGES/django.mo",
        "ecommune/core/templates/ecommune_core/admin/services.html",
        "ecommune/core/migrations/0001_initial.py",
        "ecommune/scaffold/template/cookiecutter.json",
        "ecommune/scaffold/template/hooks/pre_gen_project.py",
        "ecommune/scaffold/template/{{cookiecutter.project_slug}}/.env.example",
        "ecommune/scaffold/template/{{cookiecutter.project_slug}}/config/settings.py",
        "ecommune/scaffold/template/{{cookiecutter.project_slug}}/deploy/systemd/"
        "ecommune-schedule.service",
        "ecommune/core/migrations/0004_periodic_job_run.py",
    ]
    assert [name for name in expected if name not in names] == []
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: AGPL-3.0-or-later" in text
    assert "Provides-Extra: postgres" in text
    assert "Provides-Extra: sentry" in text
    # What a package index would show: twine's own check of the metadata and description.
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
