"""examples/multi: two communes on one install, each host shows its own commune."""

import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "multi"

PROBE = """
from django.test import Client
from ecommune.core import tenancy
from ecommune.core.models import Commune
from ecommune.services.school.models import School
communes = {c.name: c for c in Commune.unscoped.all()}
for name, commune in communes.items():
    with tenancy.using(commune):
        School.objects.get_or_create(name="École de " + name, defaults=dict(
            street_address="1 rue", postal_code=commune.postal_code_list[0], city=name))
for host in ("saint-ebrard.localhost", "port-lezard.localhost"):
    page = Client(HTTP_HOST=host).get("/")
    html = page.content.decode()
    print(host, page.status_code, "Saint-Ébrard" in html, "Port-Lézard" in html)
for name, commune in communes.items():
    with tenancy.using(commune):
        print(name, sorted(School.objects.values_list("name", flat=True)))
"""


def manage(*args, db):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "ECOMMUNE_BASE_DIR")
    }
    env["DATABASE_URL"] = f"sqlite:///{db}"
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_two_communes_on_one_install_see_only_their_own(tmp_path):
    db = tmp_path / "multi.sqlite3"
    manage("migrate", "--verbosity", "0", db=db)
    manage("ecommune_setup_commune", "communes/saint-ebrard.json", db=db)
    manage("ecommune_setup_commune", "communes/port-lezard.json", "--not-default", db=db)
    lines = manage("shell", "-c", PROBE, db=db).splitlines()
    assert "saint-ebrard.localhost 200 True False" in lines
    assert "port-lezard.localhost 200 False True" in lines
    assert "Saint-Ébrard-sur-Loire ['École de Saint-Ébrard-sur-Loire']" in lines
    assert "Port-Lézard ['École de Port-Lézard']" in lines
