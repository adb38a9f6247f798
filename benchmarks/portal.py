"""The portal under gunicorn: throughput of the home page, a service page and a fiche page
against a plain Wagtail page served by the same processes in the same run (the ratio is the
figure; goal >= 0.8), then queries per page when services, news and fiches grow tenfold,
rendered afresh and from the portal cache (``ecommune.core.portal_cache``).

The plain page is a StandardPage with an empty body: the same base template (header,
reassurance bar, footer) and nothing else, so the ratio measures what each page type adds.
Run with `make bench` or `.venv/bin/python benchmarks/portal.py [seconds per page]`; it uses
a temporary SQLite database unless DATABASE_URL is set, and prints its figures (no
pass/fail). gunicorn comes with the kit's [dev] extra.
"""

import datetime
import os
import socket
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

from _django import start_django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
WORKERS = 2
CLIENTS = 4
PAGES = {
    "plain page": "/page-simple/",
    "home page": "/",
    "service page": "/demarches-en-ligne/sinscrire-sur-les-listes-electorales/",
    "fiche page": "/vos-droits/F1367/",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> int:
    """GET ``url`` (http only) and read the body; returns the status."""
    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path or "/")
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def throughput(url: str, seconds: float) -> float:
    """Requests per second from CLIENTS threads for ``seconds``."""
    done = [0] * CLIENTS
    stop = time.perf_counter() + seconds

    def run(n):
        while time.perf_counter() < stop:
            assert fetch(url) == 200, url
            done[n] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - start)


def setup() -> str:
    folder = start_django()

    from ecommune.cms.models import StandardPage
    from ecommune.core.models import Commune
    from ecommune.demo.seed import seed_demo

    seed_demo(Path(folder) / "credentials.json")
    home = Commune.unscoped.get().site.root_page
    if not StandardPage.objects.filter(slug="page-simple").exists():
        home.add_child(instance=StandardPage(title="Page simple", slug="page-simple"))
    return folder


def serve_and_measure(seconds: float) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    server = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ecommune.conf.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            "--log-level=warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + PAGES["plain page"])
                break
            except OSError:
                time.sleep(0.2)
        for path in PAGES.values():  # warm both workers' caches
            for _ in range(WORKERS * 3):
                fetch(base + path)
        figures = {}
        # Plain page first and last: the ratio uses their mean, so drift is shared.
        order = ["plain page", "home page", "service page", "fiche page", "plain page"]
        plain = []
        for name in order:
            rate = throughput(base + PAGES[name], seconds)
            if name == "plain page":
                plain.append(rate)
            else:
                figures[name] = rate
        reference = sum(plain) / len(plain)
        print(
            f"gunicorn, {WORKERS} sync workers, {CLIENTS} clients, {seconds:.0f} s per page, "
            f"{os.cpu_count()} CPUs"
        )
        print(f"  plain page:   {reference:6.1f} requests/s (runs: {plain[0]:.1f}, {plain[1]:.1f})")
        for name, rate in figures.items():
            print(f"  {name + ':':13} {rate:6.1f} requests/s, ratio {rate / reference:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def count_queries(client, paths) -> dict[str, tuple[int, int]]:
    """Per path: the queries of a page rendered afresh (portal cache just forgotten, as after
    a page is published) and of the same page from the portal cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ecommune.core.portal_cache import forget_portal

    counts = {}
    for path in paths:
        client.get(path)
        found = []
        for _state in ("fresh", "cached"):
            if not found:
                forget_portal()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            found.append(len(queries))
        counts[path] = tuple(found)
    return counts


def grow_tenfold(folder: str) -> None:
    """Ten times the services, news items, events and fiches of the demo."""
    import fiches
    from django.utils import timezone

    from ecommune.cms.models import EventPage, NewsIndexPage, NewsPage
    from ecommune.core.models import Commune
    from ecommune.core.registry import registry
    from ecommune.core.services import Service
    from ecommune.servicepublic.importer import import_publications
    from ecommune.servicepublic.models import Fiche

    commune = Commune.unscoped.get()
    enabled = list(commune.enabled_services)
    for n in range(len(enabled) * 9):
        slug = f"bench_{n}"
        registry.register(
            type(f"Bench{n}", (Service,), {"slug": slug, "title": f"Démarche {n}", "order": 500})
        )
        enabled.append(slug)
    commune.enabled_services = enabled
    commune.save()  # adds their service pages (ecommune.cms.signals)
    index = NewsIndexPage.objects.first()
    news = NewsPage.objects.count()
    for n in range(news * 9):
        index.add_child(instance=NewsPage(title=f"Brève {n}", slug=f"breve-{n}"))
    events = EventPage.objects.count()
    for n in range(events * 9):
        index.add_child(
            instance=EventPage(
                title=f"Événement {n}",
                slug=f"evenement-{n}",
                start=timezone.now() + datetime.timedelta(days=n + 1),
            )
        )
    count = Fiche.objects.count()
    target = Path(folder) / "more-fiches"
    fiches.generate(target, count * 9)
    import_publications(target, unpublish_missing=False)


def measure_queries(folder: str) -> None:
    from django.test import Client

    from ecommune.cms.models import NewsPage, ServicePage
    from ecommune.servicepublic.models import Fiche

    client = Client()
    paths = [
        *PAGES.values(),
        "/demarches-en-ligne/",
        "/actualites/",
        "/contact/",
        "/plan-du-site/",
        "/vos-droits/",
    ]

    def sizes():
        return (
            f"{ServicePage.objects.count()} services, {NewsPage.objects.count()} news, "
            f"{Fiche.objects.count()} fiches"
        )

    before, before_sizes = count_queries(client, paths), sizes()
    grow_tenfold(folder)
    after, after_sizes = count_queries(client, paths), sizes()
    print(
        f"queries per page, rendered afresh / from the portal cache: {before_sizes} -> "
        f"{after_sizes}"
    )
    for path in paths:
        flag = "" if before[path] == after[path] else "  <- grows"
        (fresh, cached), (fresh_after, cached_after) = before[path], after[path]
        print(f"  {path:58} {fresh:3} / {cached:2} -> {fresh_after:3} / {cached_after:2}{flag}")


def main(seconds: float = 10) -> None:
    folder = setup()
    serve_and_measure(seconds)
    measure_queries(folder)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 10)
