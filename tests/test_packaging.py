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
        "ecommune/locale/fr/LC_MESSAGES/django.mo",
        "ecommune/core/templates/ecommune_core/admin/services.html",
        "ecommune/core/migrations/0001_initial.py",
        "ecommune/scaffold/template/cookiecutter.json",
        "ecommune/scaffold/template/hooks/pre_gen_project.py",
        "ecommune/scaffold/template/{{cookiecutter.project_slug}}/.env.example",
        "ecommune/scaffold/template/{{cookiecutter.project_slug}}/config/settings.py",
    ]
    assert [name for name in expected if name not in names] == []
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: AGPL-3.0-or-later" in text
    assert "Provides-Extra: postgres" in text
