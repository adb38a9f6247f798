"""Check the answers before the site is written; cookiecutter deletes it if this fails.

The template may be run with plain ``cookiecutter`` where ecommune is not
importable, so the rules are copied here; ``ecommune.scaffold.new`` checks the
same ones before it calls cookiecutter, and a test keeps both in step.
"""

import re
import sys

ANSWERS = {
    "commune_name": {{ cookiecutter.commune_name|tojson }},
    "insee_code": {{ cookiecutter.insee_code|tojson }},
    "postal_code": {{ cookiecutter.postal_code|tojson }},
    "domain": {{ cookiecutter.domain|tojson }},
    "contact_email": {{ cookiecutter.contact_email|tojson }},
    "theme": {{ cookiecutter.theme|tojson }},
    "services": {{ cookiecutter.services|tojson }},
    "project_slug": {{ cookiecutter.project_slug|tojson }},
    "ecommune_version": {{ cookiecutter.ecommune_version|tojson }},
}
{% raw %}
# Copied from ecommune/core/validators.py.
INSEE_CODE_RE = re.compile(
    r"^(?:(?:0[1-9]|1\d|2[1-9]|[3-8]\d|9[0-5])\d{3}|2[AB]\d{3}|97[1-8]\d{2}|98[4-8]\d{2})$"
)
POSTAL_CODE_RE = re.compile(r"^(?:0[1-9]|[1-9]\d)\d{3}$")
# Copied from ecommune/scaffold/new.py.
DOMAIN_RE = re.compile(
    r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$"
)
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$",
    re.IGNORECASE,
)
COMMUNE_NAME_RE = re.compile(r"^[^\"\\<>{}%$\x00-\x1f\x7f]{1,120}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
VERSION_RE = re.compile(r"^\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?$")
# The installed themes; dsfr is reserved for State sites (circulaire 6411-SG, 7 July 2023).
THEMES = ("commune", "dsfr")


def errors(answers):
    name = answers["commune_name"]
    if not name.strip() or not COMMUNE_NAME_RE.match(name):
        yield (
            "commune_name",
            (
                f"« {name} » n'est pas un nom de commune utilisable "
                "(1 à 120 caractères, sans guillemets droits ni \\ < > { } % $)."
            ),
        )
    if not INSEE_CODE_RE.match(answers["insee_code"]):
        yield (
            "insee_code",
            (
                f"« {answers['insee_code']} » n'est pas un code INSEE de commune "
                "(cinq caractères, comme 75056 ou 2A004)."
            ),
        )
    codes = [code.strip() for code in answers["postal_code"].split(",") if code.strip()]
    bad = [code for code in codes if not POSTAL_CODE_RE.match(code)]
    if not codes or bad:
        yield (
            "postal_code",
            (
                f"« {answers['postal_code']} » n'est pas un code postal français "
                "(cinq chiffres, comme 44000 ; plusieurs séparés par des virgules)."
            ),
        )
    if not DOMAIN_RE.match(answers["domain"]):
        yield (
            "domain",
            (
                f"« {answers['domain']} » n'est pas un nom de domaine "
                "(lettres minuscules, chiffres et tirets, avec au moins un point, "
                "comme mairie-exemple.fr ; "
                "sans https:// ni /)."
            ),
        )
    if not EMAIL_RE.match(answers["contact_email"]):
        yield (
            "contact_email",
            (
                f"« {answers['contact_email']} » n'est pas une adresse électronique "
                "(comme mairie@mairie-exemple.fr)."
            ),
        )
    if answers["theme"] not in THEMES:
        yield "theme", f"« {answers['theme']} » n'est pas un thème : {' ou '.join(THEMES)}."
    elif answers["theme"] == "dsfr" and not answers["domain"].endswith(".gouv.fr"):
        yield (
            "theme",
            (
                "le thème dsfr est réservé aux sites de l'État en .gouv.fr "
                f"(le domaine est « {answers['domain']} ») : choisissez le thème commune."
            ),
        )
    services = [slug.strip() for slug in answers["services"].split(",") if slug.strip()]
    bad = [slug for slug in services if not SLUG_RE.match(slug)]
    if bad:
        yield (
            "services",
            (
                f"« {', '.join(bad)} » : un service s'écrit par son identifiant "
                "(minuscules, chiffres, tirets, comme school), séparés par des virgules."
            ),
        )
    if not SLUG_RE.match(answers["project_slug"]):
        yield (
            "project_slug",
            (
                f"« {answers['project_slug']} » n'est pas un nom de dossier utilisable "
                "(minuscules, chiffres et tirets, comme saint-exemple)."
            ),
        )
    if not VERSION_RE.match(answers["ecommune_version"]):
        yield (
            "ecommune_version",
            (f"« {answers['ecommune_version']} » n'est pas un numéro de version (comme 0.1.0)."),
        )


def main():
    found = list(errors(ANSWERS))
    for field, message in found:
        print(f"Erreur ({field}) : {message}", file=sys.stderr)
    if found:
        print("Le site n'a pas été créé.", file=sys.stderr)
        sys.exit(1)


main()
{%- endraw %}
