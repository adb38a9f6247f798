"""Installed from its folder into a fresh virtual environment beside the kit, the service
works on a site that adds one line to INSTALLED_APPS: ``manage.py check`` and ``migrate``
pass, a commune may enable it and its wizard answers.

Offline, as the kit's own packaging test: the fresh environment sees the kit's
dependencies (Django, Wagtail…) of the running one through a ``.pth`` file, never the
kit or the service themselves, which pip installs from their folders (copied first, so that
building leaves the source tree clean; ``--no-index``, ``--no-build-isolation``)."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent
KIT = EXAMPLE.parent.parent
ONE_LINE = 'INSTALLED_APPS = [*INSTALLED_APPS, "ecommune_voirie"]  # noqa: F405\n'
PROBE = """
import ecommune, ecommune_voirie
from django.core.management import call_command
from django.test import Client
print("FROM", ecommune.__file__, ecommune_voirie.__file__)
call_command("ecommune_setup_commune", "config/commune.json")
start = Client().get("/demarches/voirie/", HTTP_HOST="127.0.0.1")
print("WIZARD", start.status_code, start["Location"])
"""


def run(*args, cwd=None, env=None) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{' '.join(map(str, args))}:\n{result.stdout}{result.stderr}"
    return result.stdout


def dependencies_only(target: Path) -> Path:
    """The running environment's packages but the kit and the service (and the ``.pth``
    files that would bring them back), linked into ``target``."""
    target.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name.lower()
        if name.startswith(("ecommune", "__editable__")) or name.endswith(".pth"):
            continue
        (target / entry.name).symlink_to(entry)
    return target


def copy_of(folder: Path, target: Path, *names: str) -> Path:
    """The distribution's files only, so that building it leaves the source tree clean."""
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "node_modules")
    target.mkdir()
    for name in names:
        source = folder / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=skip)
        else:
            shutil.copy2(source, target / name)
    return target


def test_installed_from_its_folder_beside_the_kit_a_site_enables_it_with_one_line(tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site_packages = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    deps = dependencies_only(tmp_path / "dependencies")
    Path(site_packages.strip(), "kit_dependencies.pth").write_text(f"{deps}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ECOMMUNE_"))}
    env.pop("PYTHONPATH", None)
    kit = copy_of(KIT, tmp_path / "kit", "pyproject.toml", "README.md", "src")
    example = copy_of(EXAMPLE, tmp_path / "example", "pyproject.toml", "ecommune_voirie")
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-index",
        "--no-build-isolation", kit, example, env=env,
    )  # fmt: skip

    run(
        venv / "bin" / "ecommune", "new", "--no-input", "--output-dir", tmp_path,
        "commune_name=Port-Lézard", "insee_code=29999", "postal_code=29990",
        "domain=port-lezard.fr", "services=contact,voirie", env=env,
    )  # fmt: skip
    site = tmp_path / "port-lezard"
    with (site / "config" / "settings.py").open("a") as settings:
        settings.write(ONE_LINE)
    commune = json.loads((site / "config" / "commune.json").read_text())
    assert commune["enabled_services"] == ["contact", "voirie"]
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ECOMMUNE_ENV="development",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        REDIS_URL="",
        EMAIL_URL="consolemail://",
        SMS_BACKEND="sms.backends.console.SmsBackend",
    )

    def manage(*args):
        return run(python, "manage.py", *args, cwd=site, env=env)

    manage("check", "--fail-level", "WARNING")
    migrated = manage("migrate", "--no-input")
    assert "Applying ecommune_voirie.0001_initial... OK" in migrated
    lines = manage("shell", "-c", PROBE).splitlines()
    found = next(line for line in lines if line.startswith("FROM "))
    assert found.count(str(venv)) == 2, found  # both from the fresh environment
    assert "WIZARD 302 /demarches/voirie/applicant/" in lines
