"""Many communes on one install (issue 16, items 9 and 10): provisioning time per commune,
the home page's throughput with 1 and with N communes, the latency (p50/p95/p99) under 32
concurrent clients, the super-administrator's dashboards and the nightly jobs with N communes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecommune_x \\
        .venv/bin/python benchmarks/many_communes.py [--communes 1000] [--seconds 10]

With DATABASE_URL on PostgreSQL the script creates ``<name>_bench_many`` and drops it at the
end (``--keep`` leaves it); without, a temporary SQLite file (figures for a quick look only).

1. The demo commune (``ecommune.demo.seed``: its news, counters and appointment motives, its
   procedures) is commune 1. Its home page's throughput is measured under gunicorn (2 sync
   workers, DEBUG off, keep-alive off, ``portal.CLIENTS`` clients, the request's Host is the
   commune's domain), then the latency of its home, a service page and the appointment slots
   page with 32 concurrent clients.
2. Communes 2..N are provisioned the kit's way (``ecommune.core.provisioning.setup_commune``,
   as ``manage.py ecommune_setup_commune`` does: the Site, the home page, the portal's pages,
   every registered service enabled), each timed.
3. The same measures again with N communes, by fresh gunicorn processes: the ratio of the
   home page's throughput (N / 1) is the figure (it must not fall).
4. The super-administrator's back-office pages (a superuser, in process): time per request
   and queries, with 1 and with N communes (a count growing with N is an N+1).
5. Each periodic job of ``ecommune.core.periodic`` run once (``periodic.run``) over all the
   communes: duration and queries, with 1 and with N communes. ``import-fiches`` downloads
   service-public.fr's set, shared by every commune: it is not run (no internet here).

Prints figures, no pass/fail (speed is never asserted in the tests).
"""

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portal  # noqa: E402
from versus_wagtail import serve  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "c{:04d}.bench-communes.test"
LATENCY_CLIENTS = 32
SKIPPED_JOBS = {"import-fiches": "downloads service-public.fr's set, shared by every commune"}


def database(url: str, folder: Path) -> tuple[str, bool]:
    """A dedicated database: ``<name>_bench_many`` on PostgreSQL, else a SQLite file."""
    if not url.startswith("postgres"):
        return f"sqlite:///{folder / 'many.sqlite3'}", False
    admin, name = url.rsplit("/", 1)
    target = f"{name}_bench_many"
    _pg("dropdb", "--if-exists", target)
    _pg("createdb", target)
    return f"{admin}/{target}", True


def _pg(command: str, *args: str) -> None:
    subprocess.run(  # noqa: S603
        [command, "-h", "127.0.0.1", "-U", "postgres", *args],
        check=True,
    )


def fetch(host: str, port: int, path: str) -> tuple[int, float]:
    """GET ``path`` with ``Host: host``, keep-alive off, reading the body: (status, seconds)."""
    start = time.perf_counter()
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": host, "Connection": "close"})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    finally:
        connection.close()


def load(host: str, port: int, path: str, clients: int, seconds: float) -> tuple[float, list]:
    """``clients`` threads requesting ``path`` for ``seconds``: (requests/s, latencies)."""
    latencies = [[] for _ in range(clients)]
    failures = []
    stop = time.perf_counter() + seconds

    def run(n):
        while time.perf_counter() < stop:
            status, elapsed = fetch(host, port, path)
            if status != 200:
                failures.append(status)
                return
            latencies[n].append(elapsed)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{host}{path}: status {failures[0]}")
    found = [value for values in latencies for value in values]
    return len(found) / (time.perf_counter() - start), found


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def provision_demo(folder: Path) -> dict:
    """Commune 1, the demo's; returns its host and the paths measured."""
    from ecommune.appointments.models import Motive
    from ecommune.cms.models import ServicePage
    from ecommune.core.models import Commune
    from ecommune.demo.seed import DEMO_COMMUNE, seed_demo

    start = time.perf_counter()
    seed_demo(folder / "credentials.json")
    elapsed = time.perf_counter() - start
    commune = Commune.unscoped.get()
    service = ServicePage.objects.live().descendant_of(commune.site.root_page).first()
    motive = Motive.objects.for_commune(commune).filter(active=True).first()
    service_path = "/" + service.url_path.strip("/").split("/", 1)[1] + "/"
    return {
        "host": DEMO_COMMUNE.domain,
        "seconds": elapsed,
        "paths": {
            "home": "/",
            "service": service_path,
            "slots": f"/rendez-vous/{motive.slug}/",
        },
    }


def provision(first: int, last: int) -> list[float]:
    """Communes ``first``..``last`` as ``ecommune_setup_commune`` makes them; seconds each."""
    from ecommune.core.provisioning import CommuneData, setup_commune

    durations = []
    for n in range(first, last + 1):
        data = CommuneData(
            name=f"Commune-de-Banc-{n}",
            insee_code=f"{10000 + n % 80000:05d}",
            postal_codes=f"{10000 + n % 90000:05d}",
            domain=DOMAIN.format(n),
            contact_email=f"mairie@c{n}.example.org",
        )
        start = time.perf_counter()
        setup_commune(data, portal_pages=True)
        durations.append(time.perf_counter() - start)
        if n % 100 == 0:
            print(f"  ... {n} communes, last {durations[-1] * 1000:.0f} ms", flush=True)
    return durations


def clone(database_url: str, postgres: bool) -> str:
    """A copy of the database as it is (the demo commune alone): ``<name>_one``."""
    from django.db import connections

    connections.close_all()
    if postgres:
        source = database_url.rsplit("/", 1)[1]
        _pg("dropdb", "--if-exists", f"{source}_one")
        _pg("createdb", "-T", source, f"{source}_one")
        return f"{database_url}_one"
    path = database_url.removeprefix("sqlite:///")
    shutil.copyfile(path, path + ".one")
    return f"{database_url}.one"


def web(databases: dict[str, str], folder: Path, site: dict, seconds: float, rounds: int):
    """One gunicorn per database (``databases``: label -> URL), loaded in turn: for each
    round, the home page's throughput (``portal.CLIENTS`` clients) from each, so that drift
    on a shared machine falls on both; then each page's latency with 32 clients, each
    database in turn. Returns, per label, the rates and per page the latency figures."""
    servers = {}
    try:
        for label, url in databases.items():
            env = {
                **os.environ,
                "DEBUG": "false",
                "DATABASE_URL": url,
                "ECOMMUNE_BASE_DIR": str(folder),
                "ALLOWED_HOSTS": f"127.0.0.1,localhost,{site['host']},.bench-communes.test",
                "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            }
            env.pop("DJANGO_SETTINGS_MODULE", None)
            process, base = serve(["ecommune.conf.wsgi"], ROOT, env)
            servers[label] = (process, int(base.rsplit(":", 1)[1]))
        for _process, port in servers.values():
            for path in site["paths"].values():
                status, _elapsed = fetch(site["host"], port, path)
                assert status == 200, (path, status)
                for _ in range(portal.WORKERS * 3):
                    fetch(site["host"], port, path)
        figures = {label: {"home rates": [], "latency": {}} for label in databases}
        for _ in range(rounds):
            for label, (_process, port) in servers.items():
                rate = load(site["host"], port, "/", portal.CLIENTS, seconds)[0]
                figures[label]["home rates"].append(rate)
        for name, path in site["paths"].items():
            for label, (_process, port) in servers.items():
                rate, latencies = load(site["host"], port, path, LATENCY_CLIENTS, seconds)
                figures[label]["latency"][name] = (
                    rate,
                    len(latencies),
                    *(percentile(latencies, f) * 1000 for f in (0.5, 0.95, 0.99)),
                )
        return figures
    finally:
        for process, _port in servers.values():
            process.terminate()
            process.wait(timeout=30)


def home_in_process(paths: dict) -> dict:
    """Commune 1's pages for a visitor, in process (Django's test client, its Host): median
    ms over 10 requests and the queries of the last, rendered afresh (the commune's portal
    version renewed before each, as after a page is published) and from the caches."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ecommune.core.models import Commune
    from ecommune.core.portal_cache import forget_portal
    from ecommune.demo.seed import DEMO_COMMUNE

    client = Client(HTTP_HOST=DEMO_COMMUNE.domain)
    commune = Commune.unscoped.get(site__hostname=DEMO_COMMUNE.domain)
    found = {}
    for name, path in paths.items():
        for state in ("fresh", "cached"):
            assert client.get(path).status_code == 200, path
            times = []
            for _ in range(10):
                if state == "fresh":
                    forget_portal(commune.pk)
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    client.get(path)
                times.append(time.perf_counter() - start)
            found[f"{name} ({state})"] = (path, statistics.median(times) * 1000, len(queries))
    return found


def dashboards() -> dict:
    """The superuser's back-office pages: (median ms over 5 requests, queries)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ecommune.core.models import Commune
    from ecommune.demo.seed import DEMO_COMMUNE
    from ecommune.testing.otp import login_agent

    user, _created = get_user_model().objects.get_or_create(
        email="super@bench.test",
        defaults={"is_superuser": True, "is_staff": True, "first_name": "Su", "last_name": "Per"},
    )
    client = Client(HTTP_HOST=DEMO_COMMUNE.domain)
    login_agent(client, user)  # signed in, second factor given
    commune = Commune.unscoped.get(site__hostname=DEMO_COMMUNE.domain)
    paths = {
        "Wagtail admin home": "/admin/",
        "online services (communes)": "/admin/ecommune/services/",
        "sites": "/admin/sites/",
        "commune settings": f"/admin/settings/ecommune_core/commune/{commune.site_id}/",
        "page explorer (root)": "/admin/pages/",
    }
    found = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            times.append(time.perf_counter() - start)
        found[name] = (path, statistics.median(times) * 1000, len(queries))
    return found


@contextlib.contextmanager
def counting_queries():
    """Counts the queries run inside (Django's CaptureQueriesContext keeps 9,000 at most)."""
    from django.db import connection

    count = [0]

    def wrapper(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


def nightly_jobs() -> dict:
    """Each kit job run once: (seconds, queries, succeeded, last output line)."""
    from ecommune.core import periodic
    from ecommune.core.models import PeriodicJobRun

    found = {}
    for job in periodic.KIT_JOBS:
        if job.name in SKIPPED_JOBS:
            continue
        start = time.perf_counter()
        with counting_queries() as queries:
            succeeded = periodic.run(job)
        elapsed = time.perf_counter() - start
        output = PeriodicJobRun.objects.get(name=job.name).last_output.strip().splitlines()
        found[job.name] = (elapsed, queries[0], succeeded, output[-1] if output else "")
    return found


def report(args, engine, demo, durations, web_figures, admin, jobs) -> None:
    from ecommune.core.models import Commune
    from ecommune.core.periodic import KIT_JOBS

    count = Commune.unscoped.count()
    print(
        f"\n== many communes: {count} communes, {engine}, {os.cpu_count()} CPUs, "
        f"load average at the end {os.getloadavg()[0]:.1f}"
    )
    print(f"provisioning (setup_commune with the portal's pages), {len(durations)} communes:")
    print(f"  the demo commune (seed_demo, with its content): {demo['seconds']:.1f} s")
    if durations:
        ms = [d * 1000 for d in durations]
        print(
            f"  per commune: mean {statistics.mean(ms):.0f} ms, median "
            f"{statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
            f"first {ms[0]:.0f} ms, last {ms[-1]:.0f} ms; total {sum(durations):.0f} s"
        )
    one, many = web_figures["1"], web_figures["N"]
    ratios = [n / o for n, o in zip(many["home rates"], one["home rates"], strict=True)]
    print(
        f"home page throughput, gunicorn {portal.WORKERS} sync workers, {portal.CLIENTS} "
        f"clients, keep-alive off, {args.seconds:.0f} s runs, the 1-commune database (a copy "
        f"taken before the others were added) and the {count}-commune one in turn, "
        f"{args.rounds} rounds, Host {demo['host']}:"
    )
    for label, figures in (("1 commune", one), (f"{count} communes", many)):
        rate = statistics.median(figures["home rates"])
        print(f"  {label + ':':15} {rate:6.1f} requests/s (runs {_runs(figures)})")
    print(
        f"  ratio N / 1: {statistics.median(ratios):.2f} (median of the rounds: "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + ")"
    )
    print(
        f"latency, {LATENCY_CLIENTS} concurrent clients, gunicorn {portal.WORKERS} sync "
        f"workers, keep-alive off, {args.seconds:.0f} s per page:"
    )
    for name in demo["paths"]:
        for label, figures in (("1 commune", one), (f"{count} communes", many)):
            rate, n, p50, p95, p99 = figures["latency"][name]
            path = demo["paths"][name]
            print(
                f"  {label:14} {name:8} {path:40} {rate:6.1f} req/s, {n:5} requests, "
                f"p50 {p50:5.0f} ms, p95 {p95:5.0f} ms, p99 {p99:5.0f} ms"
            )
    print(
        "in process: a visitor's pages (median of 10), the super-administrator's back office "
        "(median of 5); ms / queries:"
    )
    for name, (path, ms_1, queries_1) in admin[0].items():
        _path, ms_n, queries_n = admin[1][name]
        flag = "  <- grows" if queries_n > queries_1 else ""
        print(
            f"  {name:27} {path:45} 1 commune {ms_1:6.0f} ms / {queries_1:3}, "
            f"{count} communes {ms_n:6.0f} ms / {queries_n:3}{flag}"
        )
    print("periodic jobs, each run once over every commune (seconds / queries):")
    for job in KIT_JOBS:
        if job.name in SKIPPED_JOBS:
            print(f"  {job.name:22} not run: {SKIPPED_JOBS[job.name]}")
            continue
        s_1, q_1, ok_1, _out = jobs[0][job.name]
        s_n, q_n, ok_n, out = jobs[1][job.name]
        per_commune = (q_n - q_1) / max(count - 1, 1)
        state = "ok" if ok_1 and ok_n else f"FAILED: {out}"
        print(
            f"  {job.name:22} 1 commune {s_1:6.2f} s / {q_1:4}, {count} communes "
            f"{s_n:6.2f} s / {q_n:5}, {per_commune:+.1f} queries per commune ({state})"
        )


def _runs(figures) -> str:
    return ", ".join(f"{rate:.1f}" for rate in figures["home rates"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--communes", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10, help="per throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="throughput runs per database")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="ecommune-many-"))
    url = os.environ.get("DATABASE_URL", "")
    database_url, postgres = database(url, folder)
    os.environ["DATABASE_URL"] = database_url
    os.environ["ECOMMUNE_BASE_DIR"] = str(folder)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver,.localhost,.bench-communes.test"
    from _django import start_django

    start_django()
    from django.db import connection

    engine = f"PostgreSQL {connection.pg_version // 10000}" if postgres else "SQLite"
    try:
        demo = provision_demo(folder)
        nightly_jobs()  # once first: each job's PeriodicJobRun row, its imports
        admin_1, jobs_1 = {**home_in_process(demo["paths"]), **dashboards()}, nightly_jobs()
        one_url = clone(database_url, postgres)
        print(f"provisioning communes 2..{args.communes}", flush=True)
        durations = provision(2, args.communes)
        admin_n = {**home_in_process(demo["paths"]), **dashboards()}
        jobs_n = nightly_jobs()
        connection.close()
        databases = {"1": one_url, "N": database_url}
        figures = web(databases, folder, demo, args.seconds, args.rounds)
        report(args, engine, demo, durations, figures, (admin_1, admin_n), (jobs_1, jobs_n))
    finally:
        connection.close()
        if postgres and not args.keep:
            for name in ("", "_one"):
                _pg("dropdb", "--if-exists", database_url.rsplit("/", 1)[1] + name)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
