"""The ``ecommune`` command: ``demo``, ``new`` and ``doctor``.

``demo`` runs the embedded default on its own folder (SQLite, console email and
SMS, the database task backend) so that a pip-installed kit can be seen at once;
``new`` scaffolds a site for one commune; ``doctor`` checks a deployment.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="ecommune", description="ecommune: online services for communes."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="Prepare and serve the demo commune.")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--dir", default=".demo", help="Folder of the demo's database and files.")
    demo.add_argument("--prepare-only", action="store_true", help="Migrate and seed, then exit.")
    demo.add_argument("--no-worker", action="store_true", help="Do not start a task worker.")

    commands.add_parser(
        "new", help="Scaffold a site for one commune (cookiecutter).", add_help=False
    )

    doctor = commands.add_parser("doctor", help="Check a deployment.")
    doctor.add_argument("--settings", help="Settings module (default: DJANGO_SETTINGS_MODULE).")
    doctor.add_argument("--worker-timeout", type=float, default=None)

    if argv and argv[0] == "new":
        from ecommune.scaffold.new import main as new_main

        return new_main(argv[1:])
    args = parser.parse_args(argv)
    if args.command == "demo":
        return run_demo(args)
    return run_doctor(args)


def run_demo(args) -> int:
    folder = Path(args.dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["ECOMMUNE_DEMO_DIR"] = str(folder)
    # The demo's database, files and secret key live in its folder, whatever the shell says.
    os.environ["ECOMMUNE_BASE_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ecommune.conf.demo"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from ecommune.demo.seed import seed_demo

    credentials = seed_demo(folder / "credentials.json")
    base = f"http://127.0.0.1:{args.port}"
    print(f"Démo prête dans {folder}")
    print(f"  Portail des habitants : {base}/")
    print(f"  Back-office des agents : {base}/admin/")
    labels = {"resident": "Compte habitant", "agent": "Compte agent"}
    for role, account in credentials.items():
        print(
            f"  {labels.get(role, role)} : {account['email']} / mot de passe {account['password']}"
        )
    if args.prepare_only:
        return 0
    worker = None
    if not args.no_worker:
        worker = subprocess.Popen(  # noqa: S603  (our own interpreter and command)
            [sys.executable, "-m", "django", "db_worker", "--interval", "2"],
            env={**os.environ},
            stdout=subprocess.DEVNULL,
        )
    try:
        # Static and media files through the site's URLs (DEBUG), not runserver's own
        # handler, which skips the middleware and so the security headers.
        call_command(
            "runserver", f"127.0.0.1:{args.port}", use_reloader=False, use_static_handler=False
        )
    except KeyboardInterrupt:
        pass
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
    return 0


def run_doctor(args) -> int:
    if args.settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        print(
            "ecommune doctor: set DJANGO_SETTINGS_MODULE or give --settings "
            "(or run `python manage.py ecommune_doctor` in the site's folder).",
            file=sys.stderr,
        )
        return 2
    sys.path.insert(0, os.getcwd())
    import django
    from django.core.management import call_command

    try:
        django.setup()
    except Exception as exc:  # noqa: BLE001  (MissingVariable, ImproperlyConfigured, ImportError)
        # A missing production variable or a broken settings module is a doctor line too.
        message = " ".join(str(exc).split()) or exc.__class__.__name__
        print(f"[FAIL] Réglages : {message}")
        return 1
    options = {} if args.worker_timeout is None else {"worker_timeout": args.worker_timeout}
    try:
        call_command("ecommune_doctor", **options)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
