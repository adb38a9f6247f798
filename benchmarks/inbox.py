"""The agents' inbox: queries per page and time per page with 10 and 1,000 requests.

Run with `make bench` or `.venv/bin/python benchmarks/inbox.py`. It builds the demo in a
temporary SQLite database (or DATABASE_URL), files requests for the demo commune's
« contact » service, signs the demo agent in (second factor given) and prints figures;
nothing here is a pass/fail assertion.
"""

import time
from pathlib import Path

from _django import start_django

ROOT = Path(__file__).resolve().parent.parent


def main(pages: int = 30) -> None:
    folder = start_django()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from ecommune.accounts.models import User
    from ecommune.core.models import Commune
    from ecommune.demo.seed import AGENT_EMAIL, seed_demo
    from ecommune.requests.models import Request
    from ecommune.requests.references import new_reference
    from ecommune.testing.otp import login_agent

    seed_demo(Path(folder) / "credentials.json")
    commune = Commune.unscoped.get()
    client = Client()
    login_agent(client, User.objects.get(email=AGENT_EMAIL))
    url = "/admin/demandes/"
    assert client.get(url).status_code == 200

    for total in (10, 1000):
        missing = total - Request.unscoped.filter(commune=commune).count()
        today = timezone.localdate()
        Request.unscoped.bulk_create(
            Request(
                commune=commune,
                reference=new_reference(today.year),
                service="contact",
                status="submitted",
                applicant_first_name="Camille",
                applicant_last_name=f"Martin {i}",
                applicant_email=f"camille{i}@example.org",
                expected_answer_on=today,
            )
            for i in range(missing)
        )
        queries: list[str] = []

        def count(execute, sql, *args, queries=queries):
            queries.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        start = time.perf_counter()
        for _ in range(pages):
            client.get(url)
        elapsed = time.perf_counter() - start
        export_start = time.perf_counter()
        export = client.get(url + "export.csv")
        size = sum(len(chunk) for chunk in export.streaming_content)
        export_ms = 1000 * (time.perf_counter() - export_start)
        print(
            f"inbox, {total:>4} requests: {len(queries)} queries per page, "
            f"{1000 * elapsed / pages:.1f} ms per page; CSV export of all "
            f"{size // 1024} KiB in {export_ms:.0f} ms ({connection.vendor})"
        )


if __name__ == "__main__":
    main()
