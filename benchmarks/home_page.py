"""Home page of the demo commune: queries per request and requests per second (test client).

Run with `make bench` or `.venv/bin/python benchmarks/home_page.py`. It builds the
demo in a temporary SQLite database (or DATABASE_URL), then prints its figures;
nothing here is a pass/fail assertion.
"""

import time
from pathlib import Path

from _django import start_django

ROOT = Path(__file__).resolve().parent.parent


def main(requests: int = 300) -> None:
    folder = start_django()
    from django.db import connection
    from django.test import Client

    from ecommune.cms.models import NewsPage
    from ecommune.demo.seed import seed_demo

    seed_demo(Path(folder) / "credentials.json")
    client = Client()
    client.get("/")
    for news in (1, 30):
        index = NewsPage.objects.first().get_parent()
        while NewsPage.objects.count() < news:
            index.add_child(
                instance=NewsPage(
                    title=f"Brève {NewsPage.objects.count()}", slug=f"b{time.monotonic_ns()}"
                )
            )
        queries: list[str] = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            response = client.get("/")
        assert response.status_code == 200, response.status_code
        start = time.perf_counter()
        for _ in range(requests):
            client.get("/")
        elapsed = time.perf_counter() - start
        print(
            f"home page, {news:>2} news items: {len(queries)} queries, "
            f"{requests / elapsed:.0f} requests/s, {1000 * elapsed / requests:.2f} ms each "
            f"({connection.vendor})"
        )


if __name__ == "__main__":
    main()
