"""``ecommune new`` and the cookiecutter template: a generated site migrates, passes Django's
checks, has no missing migration and serves its commune's home page; a wrong answer writes
nothing. The generated site runs in a subprocess with its own settings and SQLite database."""

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import cookiecutter.config
import cookiecutter.prompt
import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter as run_cookiecutter

from ecommune import __version__
from ecommune.core import validators
from ecommune.scaffold import new

REPO_ROOT = Path(__file__).resolve().parent.parent
ROOT_TEMPLATE = REPO_ROOT / "cookiecutter-template"
PRE_GEN_HOOK = new.TEMPLATE_DIR / "hooks" / "pre_gen_project.py"

PORT_LEZARD = [
    "commune_name=Port-Lézard",
    "insee_code=29999",
    "postal_code=29990",
    "domain=port-lezard.fr",
    "contact_email=mairie@port-lezard.fr",
    "services=",
]


@pytest.fixture(autouse=True, scope="module")
def replay_dir_in_tmp(tmp_path_factory):
    # cookiecutter records every run's answers in ~/.cookiecutter_replay/: not the tester's home.
    with pytest.MonkeyPatch.context() as patch:
        replay_dir = tmp_path_factory.mktemp("replay")
        patch.setitem(cookiecutter.config.DEFAULT_CONFIG, "replay_dir", str(replay_dir))
        yield


@pytest.fixture(scope="module")
def port_lezard(tmp_path_factory) -> Path:
    output_dir = tmp_path_factory.mktemp("sites")
    status = new.main(["--no-input", "--output-dir", str(output_dir), *PORT_LEZARD])
    assert status == 0
    return output_dir / "port-lezard"


def site_env(database: Path) -> dict[str, str]:
    """The environment of a trial run on a workstation, as the site's README gives it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ECOMMUNE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ECOMMUNE_ENV="development",
        DATABASE_URL=f"sqlite:///{database}",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        REDIS_URL="",
        EMAIL_URL="consolemail://",
        SMS_BACKEND="sms.backends.console.SmsBackend",
    )
    return env


def manage(site: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_generated_site_migrates_checks_and_serves_its_commune(port_lezard, tmp_path):
    env = site_env(tmp_path / "db.sqlite3")
    manage(port_lezard, env, "migrate", "--no-input")
    manage(port_lezard, env, "ecommune_setup_commune", "config/commune.json")
    manage(port_lezard, env, "check", "--fail-level", "WARNING")
    manage(port_lezard, env, "makemigrations", "--check", "--dry-run")
    output = manage(
        port_lezard,
        env,
        "shell",
        "-c",
        "from django.test import Client\n"
        "response = Client().get('/', HTTP_HOST='127.0.0.1')\n"
        "print('RESULT', response.status_code, 'Port-Lézard' in response.content.decode())\n",
    )
    assert re.search(r"^RESULT 200 True$", output, re.MULTILINE), output


def test_generated_site_carries_the_answers(port_lezard):
    commune = json.loads((port_lezard / "config" / "commune.json").read_text(encoding="utf-8"))
    assert commune == {
        "name": "Port-Lézard",
        "insee_code": "29999",
        "postal_codes": "29990",
        "domain": "port-lezard.fr",
        "contact_email": "mairie@port-lezard.fr",
        "theme": "commune",
        "enabled_services": [],
    }
    requirements = (port_lezard / "requirements.txt").read_text(encoding="utf-8")
    assert f"ecommune[postgres,redis]=={__version__}" in requirements
    assert "gunicorn" in requirements
    env_example = (port_lezard / ".env.example").read_text(encoding="utf-8")
    assert "DATABASE_URL=postgres://ecommune:CHANGE-ME@127.0.0.1:5432/port_lezard" in env_example
    assert re.search(r"^SECRET_KEY=$", env_example, re.MULTILINE)
    env_file = port_lezard / ".env"
    secret = re.search(r"^SECRET_KEY=(.+)$", env_file.read_text(encoding="utf-8"), re.MULTILINE)
    assert secret and len(secret.group(1)) >= 50
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert (port_lezard / "deploy" / "nginx" / "port-lezard.fr.conf").is_file()
    web = (port_lezard / "deploy" / "systemd" / "ecommune-web.service").read_text(encoding="utf-8")
    assert "config.wsgi:application" in web and "127.0.0.1:8000" in web
    assert ".env" in (port_lezard / ".gitignore").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("insee_code", "123"),
        ("insee_code", "20123"),
        ("insee_code", "2C123"),
        ("postal_code", "1234"),
        ("domain", "not a domain"),
        ("domain", "https://port-lezard.fr/"),
        ("contact_email", "mairie@"),
        ("commune_name", 'Port-"Lézard"'),
        ("theme", "dsfr"),  # not on a .gouv.fr domain
    ],
)
def test_new_refuses_an_invalid_answer_and_writes_nothing(field, value, tmp_path, capsys):
    answers = [a for a in PORT_LEZARD if not a.startswith(f"{field}=")] + [f"{field}={value}"]
    status = new.main(["--no-input", "--output-dir", str(tmp_path), *answers])
    assert status == 2
    error = capsys.readouterr().err
    assert f"({field})" in error and value in error
    assert "Réponse invalide" in error
    assert error.count("\n") == 1  # one line naming what to fix
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argument", ["theme=bootstrap", "colour=#ff0000", "insee_code"])
def test_new_refuses_unknown_questions_and_choices(argument, tmp_path, capsys):
    status = new.main(["--no-input", "--output-dir", str(tmp_path), *PORT_LEZARD, argument])
    assert status == 2
    assert capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_new_refuses_to_overwrite_a_site(port_lezard, capsys):
    status = new.main(["--no-input", "--output-dir", str(port_lezard.parent), *PORT_LEZARD])
    assert status == 2
    assert "existe déjà" in capsys.readouterr().err


def run_new(output_dir: Path, replies: list[str], *arguments: str):
    """``ecommune new`` as a person runs it: the command in a subprocess, the replies typed
    on its standard input, one a line (an empty line takes the default)."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src"), "HOME": str(output_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "ecommune.cli", "new", "--output-dir", str(output_dir), *arguments],
        input="".join(f"{reply}\n" for reply in replies),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_new_checks_each_answer_when_it_is_typed(tmp_path):
    result = run_new(
        tmp_path,
        [
            "Saint-Pierre-d'Oléron",
            "123",  # refused at once: the next reply answers the same question
            "17385",
            "1731",
            "17310",
            "https://oleron.fr/",
            "",  # the domain's default, from the commune's name
            "mairie@",
            "",  # the contact's default, from the domain
            "dsfr",  # refused: a commune's domain, not .gouv.fr
            "1",
            "1, 9",
            "scolaire!",
            "4, contact",
            "",
            "",
        ],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    refusals = result.stderr.splitlines()
    fields = [re.search(r"\((\w+)\) :", line).group(1) for line in refusals]
    assert fields == [
        "insee_code",
        "postal_code",
        "domain",
        "contact_email",
        "theme",
        "services",
        "services",
    ], result.stderr
    assert "« 123 » n'est pas un code INSEE" in refusals[0]
    assert "réservé aux sites de l'État en .gouv.fr" in refusals[4]
    assert "« 9 » : pas dans la liste" in refusals[5]
    # Each refused question is asked again right after its refusal, not after the last one.
    assert result.stdout.count("Code INSEE de la commune") == 2
    assert result.stdout.count("Code postal") == 2
    assert result.stdout.count("Numéro ou nom du thème") == 2
    # Defaults follow the corrected answers: the domain from the commune's name, the
    # contact from the domain.
    assert "[saint-pierre-d-oleron.fr]" in result.stdout
    assert "[mairie@saint-pierre-d-oleron.fr]" in result.stdout
    # Services and themes are listed by name.
    for title in new.KIT_SERVICES.values():
        assert title in result.stdout
    assert "2. dsfr" in result.stdout
    assert "collectstatic --noinput" in result.stdout
    site = tmp_path / "saint-pierre-d-oleron"
    commune = json.loads((site / "config" / "commune.json").read_text(encoding="utf-8"))
    assert commune == {
        "name": "Saint-Pierre-d'Oléron",
        "insee_code": "17385",
        "postal_codes": "17310",
        "domain": "saint-pierre-d-oleron.fr",
        "contact_email": "mairie@saint-pierre-d-oleron.fr",
        "theme": "commune",
        "enabled_services": ["school", "contact"],
    }


def test_new_offers_the_dsfr_theme_to_a_state_site(tmp_path):
    result = run_new(
        tmp_path,
        ["", "", "", "", "toutes", "", ""],
        "commune_name=Préfecture-Test",
        "domain=prefecture-test.gouv.fr",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    # A .gouv.fr domain makes dsfr the default.
    assert "Numéro ou nom du thème [dsfr]" in result.stdout
    commune = json.loads(
        (tmp_path / "prefecture-test" / "config" / "commune.json").read_text(encoding="utf-8")
    )
    assert commune["theme"] == "dsfr"
    assert commune["enabled_services"] == list(new.KIT_SERVICES)


def test_new_asks_again_for_an_invalid_argument_and_an_existing_folder(tmp_path):
    (tmp_path / "port-lezard").mkdir()
    result = run_new(
        tmp_path,
        ["29990", "", "", "", "", "port-lezard", "port-lezard-2", ""],
        "commune_name=Port-Lézard",
        "insee_code=29999",
        "postal_code=299",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    refusals = result.stderr.splitlines()
    assert len(refusals) == 2, result.stderr
    assert "(postal_code)" in refusals[0] and "« 299 »" in refusals[0]
    assert "(project_slug)" in refusals[1] and "existe déjà" in refusals[1]
    # Answers given as arguments, when valid, are not asked.
    assert "Code INSEE" not in result.stdout and "Nom officiel" not in result.stdout
    assert (tmp_path / "port-lezard-2" / "manage.py").is_file()
    assert list((tmp_path / "port-lezard").iterdir()) == []


def test_new_stopped_midway_writes_nothing(tmp_path):
    result = run_new(tmp_path, ["Port-Lézard", "2C123"])
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "Saisie interrompue : le site n'a pas été créé."
    assert list(tmp_path.iterdir()) == []


def test_the_listed_services_are_the_kit_services_with_their_french_titles():
    from django.utils import translation

    from ecommune.core.registry import registry

    kit = {
        service.slug: service
        for service in registry
        if service.__module__.startswith("ecommune.services.")
    }
    assert set(new.KIT_SERVICES) == set(kit)
    with translation.override("fr"):
        for slug, title in new.KIT_SERVICES.items():
            assert str(kit[slug].title) == title, slug


def test_the_template_offers_the_installed_themes():
    from ecommune.core.themes import PACKAGE_THEMES_DIR

    installed = {path.parent.name for path in PACKAGE_THEMES_DIR.glob("*/manifest.json")}
    assert set(new.template_keys()["theme"]) == installed == {"commune", "dsfr"}
    hook = PRE_GEN_HOOK.read_text(encoding="utf-8")
    themes = ", ".join(f'"{name}"' for name in new.template_keys()["theme"])
    assert f"THEMES = ({themes})" in hook


def test_plain_cookiecutter_runs_the_root_template(tmp_path):
    assert ROOT_TEMPLATE.is_symlink() and not os.path.isabs(os.readlink(ROOT_TEMPLATE))
    assert ROOT_TEMPLATE.resolve() == new.TEMPLATE_DIR
    site = Path(
        run_cookiecutter(
            str(ROOT_TEMPLATE), no_input=True, output_dir=str(tmp_path), default_config=True
        )
    )
    assert site == tmp_path / "saint-exemple"
    assert (site / "manage.py").is_file()
    assert (site / ".env").is_file()
    commune = json.loads((site / "config" / "commune.json").read_text(encoding="utf-8"))
    assert commune["name"] == "Saint-Exemple"
    assert commune["domain"] == "saint-exemple.fr"
    assert commune["enabled_services"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("insee_code", "2C123"),
        ("postal_code", "1234"),
        ("domain", "not a domain"),
        ("contact_email", "mairie@"),
        ("project_slug", "Port Lézard"),
        ("theme", "dsfr"),
    ],
)
def test_template_hook_refuses_an_invalid_answer_and_leaves_nothing(field, value, tmp_path):
    with pytest.raises(FailedHookException):
        run_cookiecutter(
            str(ROOT_TEMPLATE),
            no_input=True,
            output_dir=str(tmp_path),
            default_config=True,
            extra_context={field: value},
        )
    assert list(tmp_path.iterdir()) == []


def test_template_hook_rules_are_the_kit_rules():
    hook = PRE_GEN_HOOK.read_text(encoding="utf-8")
    for pattern in [
        validators.INSEE_CODE_RE.pattern,
        validators.POSTAL_CODE_RE.pattern,
        new.DOMAIN_RE.pattern,
        new.EMAIL_RE.pattern,
        new.COMMUNE_NAME_RE.pattern,
        new.SLUG_RE.pattern,
        new.VERSION_RE.pattern,
    ]:
        assert f'r"{pattern}"' in hook, pattern


def test_template_installs_this_version_of_the_kit():
    context = json.loads(new.CONTEXT_FILE.read_text(encoding="utf-8"))
    assert context["ecommune_version"] == __version__
    assert set(context["__prompts__"]) == set(new.template_keys())


def _exec_start(unit: Path) -> list[str]:
    """The unit's ExecStart as arguments (continuation lines joined)."""
    text = unit.read_text(encoding="utf-8").replace("\\\n", " ")
    line = re.search(r"^ExecStart=(.+)$", text, re.MULTILINE).group(1)
    return line.split()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_generated_units_run_as_written(port_lezard, tmp_path):
    """web, worker and schedule: each unit's command, run from the site's folder, works."""
    import time
    import urllib.request

    systemd = port_lezard / "deploy" / "systemd"
    assert {unit.name for unit in systemd.iterdir()} == {
        "ecommune-web.service",
        "ecommune-worker.service",
        "ecommune-schedule.service",
    }
    env = site_env(tmp_path / "db.sqlite3")
    env["ECOMMUNE_TASKS_BACKEND"] = "database"
    manage(port_lezard, env, "migrate", "--no-input")
    manage(port_lezard, env, "ecommune_setup_commune", "config/commune.json")
    venv = "/srv/port-lezard/venv/bin/"

    def command(unit: str) -> list[str]:
        words = _exec_start(systemd / unit)
        assert words[0].startswith(venv), words
        program = words[0].removeprefix(venv)
        if program == "python":
            return [sys.executable, *words[1:]]
        return [str(Path(sys.executable).parent / program), *words[1:]]

    web_command = command("ecommune-web.service")
    port = _free_port()
    web_command[web_command.index("--bind") + 1] = f"127.0.0.1:{port}"
    processes = [
        subprocess.Popen(  # noqa: S603
            args, cwd=port_lezard, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for args in (
            web_command,
            command("ecommune-worker.service"),
            command("ecommune-schedule.service"),
        )
    ]
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/", headers={"Host": "127.0.0.1"}
                )
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    status = response.status
            except OSError:
                time.sleep(0.5)
        doctor = subprocess.run(
            [sys.executable, "manage.py", "ecommune_doctor", "--worker-timeout", "60"],
            cwd=port_lezard,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    assert status == 200
    lines = doctor.stdout.splitlines()
    worker = [line for line in lines if "tâches" in line.lower() or "task worker" in line.lower()]
    assert worker and worker[0].startswith("[ OK ]"), doctor.stdout + doctor.stderr
    jobs = [line for line in lines if "outbox" in line]
    assert jobs and jobs[0].startswith("[ OK ]"), doctor.stdout
