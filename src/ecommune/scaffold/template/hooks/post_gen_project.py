"""Write the site's ``.env`` from ``.env.example`` with a fresh SECRET_KEY, then say what's next."""

import os
import secrets
from pathlib import Path

DOMAIN = {{ cookiecutter.domain|tojson }}
{% raw %}

def write_env_file(project_dir: Path) -> None:
    env_file = project_dir / ".env"
    if env_file.exists():
        return
    # token_urlsafe never starts with "$" nor holds "#": django-environ would read those.
    secret_key = secrets.token_urlsafe(50)
    lines = []
    for line in (project_dir / ".env.example").read_text(encoding="utf-8").splitlines():
        lines.append(f"SECRET_KEY={secret_key}" if line.startswith("SECRET_KEY=") else line)
    env_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The file holds the secret key and the database password: its owner only.
    os.chmod(env_file, 0o600)


def main() -> None:
    project_dir = Path.cwd()
    write_env_file(project_dir)
    print(
        f"Site créé dans {project_dir}\n"
        "Étapes suivantes (détaillées dans README.md) :\n"
        "  1. compléter .env (base de données, messagerie, SMS) ;\n"
        "  2. pip install -r requirements.txt ;\n"
        "  3. python manage.py migrate ;\n"
        "  4. python manage.py ecommune_setup_commune config/commune.json ;\n"
        "  5. python manage.py createsuperuser ;\n"
        "  6. python manage.py collectstatic --noinput ;\n"
        "  7. installer deploy/ (systemd, nginx) ;\n"
        "  8. vérifier avec python manage.py ecommune_doctor.\n"
        f"Le site répondra sur https://{DOMAIN}/"
    )


main()
{%- endraw %}
