"""``ecommune new``: generate a ready site for one commune from the packaged template.

Every answer is checked before cookiecutter writes a file, so that a wrong INSEE
code, postal code, domain or email address leaves nothing behind and the message
names the field, in French: the command is for a town's IT team. The template's
pre-generation hook repeats the same rules for those who run plain ``cookiecutter``
on it (a test keeps both in step). What the site does once generated is not here.
"""

import argparse
import json
import re
import sys
from pathlib import Path

from cookiecutter.exceptions import CookiecutterException, OutputDirExistsException
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config
from django.core.exceptions import ValidationError

from ecommune import __version__
from ecommune.core.validators import split_postal_codes, validate_insee_code, validate_postal_code

TEMPLATE_DIR = Path(__file__).resolve().parent / "template"
CONTEXT_FILE = TEMPLATE_DIR / "cookiecutter.json"

# A hostname in lower case: labels of letters, digits and inner hyphens, at least one dot.
DOMAIN_RE = re.compile(
    r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$"
)
# Stricter than RFC 5322 on purpose: what Django's EmailValidator accepts too.
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$",
    re.IGNORECASE,
)
# The name lands in Python, JSON and systemd files: no character that would need escaping there.
COMMUNE_NAME_RE = re.compile(r"^[^\"\\<>{}%$\x00-\x1f\x7f]{1,120}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
VERSION_RE = re.compile(r"^\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?$")

# French names of the template's questions, for the messages.
FIELD_LABELS = {
    "commune_name": "nom de la commune",
    "insee_code": "code INSEE",
    "postal_code": "code postal",
    "domain": "nom de domaine",
    "contact_email": "adresse de contact",
    "theme": "thème",
    "services": "démarches",
    "project_slug": "dossier du projet",
    "ecommune_version": "version d'ecommune",
}

EXIT_INVALID = 2


def template_keys() -> dict:
    """The template's questions and their raw defaults, in order (private keys left out)."""
    context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    return {key: value for key, value in context.items() if not key.startswith("_")}


def normalise(answers: dict) -> dict:
    """Trim every answer, lower the domain's case and tidy the postal codes' list."""
    answers = {k: v.strip() if isinstance(v, str) else v for k, v in answers.items()}
    if "domain" in answers:
        answers["domain"] = answers["domain"].lower()
    if "postal_code" in answers:
        answers["postal_code"] = ", ".join(split_postal_codes(answers["postal_code"]))
    if "services" in answers:
        slugs = [slug.strip() for slug in answers["services"].split(",") if slug.strip()]
        answers["services"] = ",".join(slugs)
    return answers


def passes(validator, value: str) -> bool:
    # The kit's validators speak through lazy translations, which need Django's settings:
    # only the verdict is used here, the message is this module's own.
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def check_answers(answers: dict) -> dict[str, str]:
    """French messages by field for every answer that would make a broken site."""
    errors: dict[str, str] = {}
    name = answers["commune_name"]
    if not name.strip() or not COMMUNE_NAME_RE.match(name):
        errors["commune_name"] = (
            f"« {name} » n'est pas un nom de commune utilisable "
            "(1 à 120 caractères, sans guillemets droits ni \\ < > { } % $)."
        )
    if not passes(validate_insee_code, answers["insee_code"]):
        errors["insee_code"] = (
            f"« {answers['insee_code']} » n'est pas un code INSEE de commune "
            "(cinq caractères, comme 75056 ou 2A004)."
        )
    codes = split_postal_codes(answers["postal_code"])
    if not codes or not all(passes(validate_postal_code, code) for code in codes):
        errors["postal_code"] = (
            f"« {answers['postal_code']} » n'est pas un code postal français "
            "(cinq chiffres, comme 44000 ; plusieurs séparés par des virgules)."
        )
    if not DOMAIN_RE.match(answers["domain"]):
        errors["domain"] = (
            f"« {answers['domain']} » n'est pas un nom de domaine "
            "(lettres minuscules, chiffres et tirets, avec au moins un point, "
            "comme mairie-exemple.fr ; sans https:// ni /)."
        )
    if not EMAIL_RE.match(answers["contact_email"]):
        errors["contact_email"] = (
            f"« {answers['contact_email']} » n'est pas une adresse électronique "
            "(comme mairie@mairie-exemple.fr)."
        )
    themes = template_keys()["theme"]
    if answers["theme"] not in themes:
        errors["theme"] = f"« {answers['theme']} » n'est pas un thème : {' ou '.join(themes)}."
    services = [slug.strip() for slug in answers["services"].split(",") if slug.strip()]
    bad = [slug for slug in services if not SLUG_RE.match(slug)]
    if bad:
        errors["services"] = (
            f"« {', '.join(bad)} » : un service s'écrit par son identifiant "
            "(minuscules, chiffres, tirets, comme school), séparés par des virgules."
        )
    if not SLUG_RE.match(answers["project_slug"]):
        errors["project_slug"] = (
            f"« {answers['project_slug']} » n'est pas un nom de dossier utilisable "
            "(minuscules, chiffres et tirets, comme saint-exemple)."
        )
    if not VERSION_RE.match(answers["ecommune_version"]):
        errors["ecommune_version"] = (
            f"« {answers['ecommune_version']} » n'est pas un numéro de version (comme 0.1.0)."
        )
    return errors


def format_errors(errors: dict[str, str]) -> str:
    return "\n".join(
        f"Réponse invalide pour « {FIELD_LABELS.get(field, field)} » ({field}) : {message}"
        for field, message in errors.items()
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="ecommune new",
        description="Crée le dossier d'un site ecommune pour une commune.",
        epilog="questions : " + ", ".join(template_keys()) + "\n\nexemple :\n"
        "  ecommune new --no-input commune_name=Port-Lézard insee_code=29999 \\\n"
        "      postal_code=29990 domain=port-lezard.fr",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--no-input",
        action="store_true",
        help="Ne pose aucune question : valeurs données en argument, sinon valeurs par défaut.",
    )
    parser.add_argument("--output-dir", default=".", help="Dossier où créer le site (défaut : .).")
    parser.add_argument("answers", nargs="*", metavar="clé=valeur", help="Réponse à une question.")
    return parser.parse_args(argv)


def parse_overrides(pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    """``key=value`` arguments as a dict, and the French messages for the malformed ones."""
    keys = template_keys()
    overrides, problems = {}, []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep:
            problems.append(f"« {pair} » : écrivez clé=valeur, comme insee_code=44162.")
        elif key not in keys:
            problems.append(f"« {key} » n'est pas une question du modèle ({', '.join(keys)}).")
        elif isinstance(keys[key], list) and value not in keys[key]:
            problems.append(
                f"Réponse invalide pour « {FIELD_LABELS.get(key, key)} » ({key}) : "
                f"« {value} » n'est pas un choix possible ({' ou '.join(keys[key])})."
            )
        else:
            overrides[key] = value
    return overrides, problems


def collect_answers(overrides: dict[str, str], no_input: bool) -> dict:
    """Every answer, rendered as cookiecutter would (defaults derive from earlier answers)."""
    context = generate_context(context_file=str(CONTEXT_FILE), extra_context=overrides)
    answers = prompt_for_config(context, no_input=no_input)
    return {key: value for key, value in answers.items() if not key.startswith("_")}


def main(argv: list[str] | None = None) -> int:
    """Run ``ecommune new``; returns the exit status (0, or 2 when an answer is invalid)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    overrides, problems = parse_overrides(args.answers)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_INVALID
    overrides.setdefault("ecommune_version", __version__)
    # Interactive: ask again, the previous answers as defaults, until they are all valid.
    while True:
        answers = normalise(collect_answers(overrides, args.no_input))
        errors = check_answers(answers)
        if not errors:
            break
        print(format_errors(errors), file=sys.stderr)
        if args.no_input:
            print("Le site n'a pas été créé.", file=sys.stderr)
            return EXIT_INVALID
        print("Corrigez ces réponses.", file=sys.stderr)
        overrides = answers

    output_dir = Path(args.output_dir)
    target = output_dir / answers["project_slug"]
    if target.exists():
        print(f"Le dossier {target} existe déjà : le site n'a pas été créé.", file=sys.stderr)
        return EXIT_INVALID
    try:
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            extra_context=answers,
            output_dir=str(output_dir),
            default_config=True,
        )
    except OutputDirExistsException:
        print(f"Le dossier {target} existe déjà : le site n'a pas été créé.", file=sys.stderr)
        return EXIT_INVALID
    except CookiecutterException as exc:
        print(f"Le site n'a pas été créé : {exc}", file=sys.stderr)
        return 1
    # The template's post-generation hook has said where the site is and what comes next.
    return 0
