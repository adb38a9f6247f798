"""The portal against a plain ``wagtail start`` site served the same way.

Both sites run under gunicorn (2 sync workers, DEBUG off, no static manifest for either), on
the same database engine (a temporary SQLite file each, or with DATABASE_URL two PostgreSQL
databases, ``<name>_bench_kit`` and ``<name>_bench_wagtail``), loaded by the same client
(CLIENTS threads, keep-alive off, reading every byte) in alternating runs: for each round,
the plain site's home page then each portal page, so that drift on a shared machine falls on
both. The ratio (kit page / plain Wagtail home page, requests per second, median of the
rounds) is the figure. Goals (issue 16): home, service, fiche, legal and news pages >= 0.8,
the appointment slots page >= 0.5.

    .venv/bin/python benchmarks/versus_wagtail.py [seconds per run] [rounds]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecommune_x \
        .venv/bin/python benchmarks/versus_wagtail.py

Prints figures, no pass/fail (speed is never asserted in the tests).
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal  # noqa: E402
from portal import fetch, free_port, throughput  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
PG = os.environ.get("DATABASE_URL", "").startswith("postgres")


def _database(url_base: str, suffix: str, folder: Path) -> str:
    if not PG:
        return f"sqlite:///{folder / f'{suffix}.sqlite3'}"
    admin, name = url_base.rsplit("/", 1)
    target = f"{name}_bench_{suffix}"
    subprocess.run(  # noqa: S603
        ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", target],  # noqa: S607
        check=True,
    )
    subprocess.run(  # noqa: S603
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", target],  # noqa: S607
        check=True,
    )
    return f"{admin}/{target}"


def plain_wagtail_site(folder: Path, database_url: str) -> Path:
    """`wagtail start plainsite`, migrated, with settings for the run (DEBUG off...)."""
    site = folder / "plainsite"
    site.mkdir()
    wagtail = Path(sys.executable).parent / "wagtail"
    subprocess.run(  # noqa: S603
        [str(wagtail), "start", "plainsite", str(site)], check=True, stdout=subprocess.DEVNULL
    )
    (site / "plainsite" / "settings" / "bench.py").write_text(
        textwrap.dedent(
            f"""
            import environ
            from .base import *  # noqa
            DEBUG = False
            SECRET_KEY = "bench-only-not-secret"
            ALLOWED_HOSTS = ["*"]
            DATABASES = {{"default": environ.Env.db_url_config({database_url!r})}}
            DATABASES["default"]["CONN_MAX_AGE"] = 60
            STORAGES["staticfiles"]["BACKEND"] = (
                "django.contrib.staticfiles.storage.StaticFilesStorage"
            )
            """
        )
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plainsite.settings.bench"}
    env.pop("PYTHONPATH", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=site, env=env, check=True
    )
    return site


def kit_site(database_url: str) -> dict[str, str]:
    """The demo commune in the kit (portal.setup) on ``database_url``; the pages' paths."""
    os.environ["DATABASE_URL"] = database_url
    portal.setup()
    from ecommune.appointments.models import Motive
    from ecommune.cms.models import LegalNoticePage, NewsPage, ServicePage
    from ecommune.servicepublic.models import Fiche

    service = ServicePage.objects.live().first()
    motive = Motive.unscoped.filter(active=True).first()
    return {
        "home": "/",
        "service": _path(service),
        "fiche": f"/vos-droits/{Fiche.objects.first().publication_id}/",
        "legal": _path(LegalNoticePage.objects.live().first()),
        "news": _path(NewsPage.objects.live().first()),
        "slots": f"/rendez-vous/{motive.slug}/",
    }


def _path(page) -> str:
    # The page's URL on its (only) site: url_path without the site root's segment.
    return "/" + page.url_path.strip("/").split("/", 1)[1] + "/"


def serve(args: list[str], cwd: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            *args,
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--log-level=warning",
        ],
        cwd=cwd,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            fetch(base + "/")
            break
        except OSError:
            time.sleep(0.2)
    return process, base


def main(seconds: float = 5, rounds: int = 3) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ecommune-vs-wagtail-"))
    url_base = os.environ.get("DATABASE_URL", "")
    kit_db = _database(url_base, "kit", folder)
    plain_db = _database(url_base, "wagtail", folder)
    site = plain_wagtail_site(folder, plain_db)
    os.environ["ECOMMUNE_BASE_DIR"] = str(folder)
    pages = kit_site(kit_db)
    plain_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plainsite.settings.bench"}
    plain_env.pop("PYTHONPATH", None)
    kit_env = {
        **os.environ,
        "DEBUG": "false",
        "DATABASE_URL": kit_db,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    plain, plain_base = serve(["plainsite.wsgi"], site, plain_env)
    kit, kit_base = serve(["ecommune.conf.wsgi"], ROOT, kit_env)
    try:
        for path in pages.values():
            assert fetch(kit_base + path) == 200, path
            for _ in range(WORKERS * 3):
                fetch(kit_base + path)
        for _ in range(WORKERS * 3):
            fetch(plain_base + "/")
        rates = {name: [] for name in pages}
        reference = []
        for _ in range(rounds):
            for name, path in pages.items():
                before = throughput(plain_base + "/", seconds)
                rate = throughput(kit_base + path, seconds)
                reference.append(before)
                rates[name].append(rate / before)
        engine = "PostgreSQL" if PG else "SQLite"
        print(
            f"ecommune vs `wagtail start` home page, {engine}, gunicorn {WORKERS} sync workers, "
            f"{portal.CLIENTS} clients, {seconds:.0f} s per run, {rounds} rounds, "
            f"{os.cpu_count()} CPUs"
        )
        print(f"  wagtail start home page: {statistics.median(reference):6.1f} requests/s (median)")
        for name, path in pages.items():
            ratio = statistics.median(rates[name])
            print(f"  {name:8} {path:60} ratio {ratio:.2f}")
    finally:
        for process in (plain, kit):
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(
        float(sys.argv[1]) if len(sys.argv) > 1 else 5,
        int(sys.argv[2]) if len(sys.argv) > 2 else 3,
    )
