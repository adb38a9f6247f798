"""Importing 3,000 service-public.fr fiches (goal: under 60 s), then the same set unchanged
(goal: under 10 s), then with 1 % of them changed.

The fiches are generated from the real samples (../shared/fixtures/servicepublic/ when
present, else the kit's own copy): the same XML with its identifier, address and title
varied, so the parser does the same work as on the DILA's set. Run with `make bench` or
`.venv/bin/python benchmarks/fiches.py [count]`; it uses a temporary SQLite database unless
DATABASE_URL is set, and prints its figures (no pass/fail).
"""

import re
import sys
import time
from pathlib import Path

from _django import start_django

ROOT = Path(__file__).resolve().parent.parent
SHARED_SAMPLES = ROOT.parent / "shared" / "fixtures" / "servicepublic"
KIT_SAMPLES = ROOT / "src" / "ecommune" / "servicepublic" / "sample"


def generate(target: Path, count: int, changed_every: int = 0) -> None:
    """``count`` publications: fiches F100000… from F1367, one theme N100000… in 20 from
    N19810; ``changed_every`` rewrites the title of one fiche in that many."""
    samples = SHARED_SAMPLES if (SHARED_SAMPLES / "F1367.xml").exists() else KIT_SAMPLES
    fiche = (samples / "F1367.xml").read_text(encoding="utf-8")
    theme = (samples / "N19810.xml").read_text(encoding="utf-8")
    target.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        source, old_id = (theme, "N19810") if n % 20 == 0 else (fiche, "F1367")
        new_id = f"{old_id[0]}{100000 + n}"
        title = f"Publication générée numéro {n}"
        if changed_every and n % changed_every == 0:
            title += " (modifiée)"
        xml = re.sub(
            r"<dc:title>[^<]*</dc:title>", f"<dc:title>{title}</dc:title>", source, count=1
        )
        xml = xml.replace(f'ID="{old_id}"', f'ID="{new_id}"', 1)
        xml = xml.replace(
            f"<dc:identifier>{old_id}</dc:identifier>", f"<dc:identifier>{new_id}</dc:identifier>"
        )
        xml = xml.replace(f'vosdroits/{old_id}"', f'vosdroits/{new_id}"', 1)
        (target / f"{new_id}.xml").write_text(xml, encoding="utf-8")


def main(count: int = 3000) -> None:
    folder = start_django()
    from django.db import connection

    from ecommune.servicepublic.importer import import_publications
    from ecommune.servicepublic.models import Fiche

    Fiche.objects.all().delete()
    data = Path(folder) / "vosdroits"
    generate(data, count)
    print(f"{count} generated publications, {connection.vendor}")

    for label in ("first import", "unchanged re-import"):
        start = time.perf_counter()
        report = import_publications(data)
        elapsed = time.perf_counter() - start
        print(
            f"{label}: {elapsed:.1f} s ({count / elapsed:.0f} publications/s); created "
            f"{report.created}, updated {report.updated}, unchanged {report.unchanged}, "
            f"errors {len(report.errors)}"
        )
        assert not report.errors, report.errors[:3]

    generate(data, count, changed_every=100)
    start = time.perf_counter()
    report = import_publications(data)
    elapsed = time.perf_counter() - start
    print(f"re-import with 1 % changed: {elapsed:.1f} s; updated {report.updated}")
    found = Fiche.objects.published().search("générée numéro 42")
    print(f"search after import finds {len(list(found[:5]))} of the generated fiches")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
