"""``ecommune new``: generate a ready site for one commune from the packaged template.

Every answer is checked before cookiecutter writes a file, so that a wrong INSEE
code, postal code, domain or email address leaves nothing behind and the message
names the field, in French: the command is for a town's IT team. Interactively, the
questions are this module's own (``Questions``): each answer is checked as it is typed
and asked again at once, and defaults are computed from the answers given so far;
cookiecutter then runs without input. The template's pre-generation hook repeats the
same rules for those who run plain ``cookiecutter`` on it (a test keeps both in step).
A kit installed from a wheel puts that wheel in the site's ``wheels/``, where the
generated ``requirements.txt`` finds it. What the site does once generated is not here.
"""

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

from cookiecutter.exceptions import CookiecutterException, OutputDirExistsException
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config, render_variable
from cookiecutter.utils import create_env_with_context
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


def normalise_answer(field: str, value):
    """The answer trimmed; the domain lowered, the postal codes tidied, list numbers replaced
    by what they number (themes and services), « toutes » / « aucune » for the services."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    if field == "domain":
        return value.lower()
    if field == "postal_code":
        return ", ".join(split_postal_codes(value))
    if field == "theme":
        themes = template_keys()["theme"]
        if value.isdigit() and 1 <= int(value) <= len(themes):
            return themes[int(value) - 1]
        return value.lower()
    if field == "services":
        if value.lower() == ALL_SERVICES:
            return ",".join(KIT_SERVICES)
        if value.lower() == NO_SERVICE:
            return ""
        listed = list(KIT_SERVICES)
        slugs = []
        for slug in split_services(value):
            if slug.isdigit() and 1 <= int(slug) <= len(listed):
                slug = listed[int(slug) - 1]
            if slug not in slugs:
                slugs.append(slug)
        return ",".join(slugs)
    return value


def normalise(answers: dict) -> dict:
    return {field: normalise_answer(field, value) for field, value in answers.items()}


def passes(validator, value: str) -> bool:
    # The kit's validators speak through lazy translations, which need Django's settings:
    # only the verdict is used here, the message is this module's own.
    try:
        validator(value)
    except ValidationError:
        return False
    return True


#: The kit's own services, in the order the prompt lists them, with their French titles
#: (``Service.title`` as the French catalogue gives it; a test keeps this list equal to the
#: registry). ``ecommune new`` runs without Django's settings, so it cannot ask the registry;
#: another installed service is typed by its identifier.
KIT_SERVICES = {
    "contact": "Écrire à la mairie",
    "civil_status": "Acte d’état civil (naissance, mariage, décès)",
    "elections": "S’inscrire sur les listes électorales",
    "school": "Inscription scolaire",
}
#: What to answer for every service listed above, or for none.
ALL_SERVICES, NO_SERVICE = "toutes", "aucune"
#: The theme reserved for State sites (circulaire 6411-SG of 7 July 2023): `.gouv.fr` only.
STATE_THEME, STATE_DOMAIN_SUFFIX = "dsfr", ".gouv.fr"


def split_services(value: str) -> list[str]:
    return [slug.strip() for slug in value.split(",") if slug.strip()]


def check_commune_name(name: str, answers: dict) -> str | None:
    if not name.strip() or not COMMUNE_NAME_RE.match(name):
        return (
            f"« {name} » n'est pas un nom de commune utilisable "
            "(1 à 120 caractères, sans guillemets droits ni \\ < > { } % $)."
        )
    return None


def check_insee_code(value: str, answers: dict) -> str | None:
    if not passes(validate_insee_code, value):
        return (
            f"« {value} » n'est pas un code INSEE de commune "
            "(cinq caractères, comme 75056 ou 2A004)."
        )
    return None


def check_postal_code(value: str, answers: dict) -> str | None:
    codes = split_postal_codes(value)
    if not codes or not all(passes(validate_postal_code, code) for code in codes):
        return (
            f"« {value} » n'est pas un code postal français "
            "(cinq chiffres, comme 44000 ; plusieurs séparés par des virgules)."
        )
    return None


def check_domain(value: str, answers: dict) -> str | None:
    if not DOMAIN_RE.match(value):
        return (
            f"« {value} » n'est pas un nom de domaine "
            "(lettres minuscules, chiffres et tirets, avec au moins un point, "
            "comme mairie-exemple.fr ; sans https:// ni /)."
        )
    return None


def check_contact_email(value: str, answers: dict) -> str | None:
    if not EMAIL_RE.match(value):
        return f"« {value} » n'est pas une adresse électronique (comme mairie@mairie-exemple.fr)."
    return None


def check_theme(value: str, answers: dict) -> str | None:
    themes = template_keys()["theme"]
    if value not in themes:
        return f"« {value} » n'est pas un thème : {' ou '.join(themes)}."
    domain = answers.get("domain", "")
    if value == STATE_THEME and not domain.endswith(STATE_DOMAIN_SUFFIX):
        return (
            f"le thème dsfr est réservé aux sites de l'État en {STATE_DOMAIN_SUFFIX} "
            f"(le domaine est « {domain} ») : choisissez le thème commune."
        )
    return None


def check_services(value: str, answers: dict) -> str | None:
    numbers = [slug for slug in split_services(value) if slug.isdigit()]
    if numbers:
        return f"« {', '.join(numbers)} » : pas dans la liste (numéros 1 à {len(KIT_SERVICES)})."
    bad = [slug for slug in split_services(value) if not SLUG_RE.match(slug)]
    if bad:
        return (
            f"« {', '.join(bad)} » : un service s'écrit par son identifiant "
            "(minuscules, chiffres, tirets, comme school), séparés par des virgules."
        )
    return None


def check_project_slug(value: str, answers: dict) -> str | None:
    if not SLUG_RE.match(value):
        return (
            f"« {value} » n'est pas un nom de dossier utilisable "
            "(minuscules, chiffres et tirets, comme saint-exemple)."
        )
    return None


def check_ecommune_version(value: str, answers: dict) -> str | None:
    if not VERSION_RE.match(value):
        return f"« {value} » n'est pas un numéro de version (comme 0.1.0)."
    return None


#: One check per question: the answer, and the answers before it (the theme reads the domain).
CHECKS = {
    "commune_name": check_commune_name,
    "insee_code": check_insee_code,
    "postal_code": check_postal_code,
    "domain": check_domain,
    "contact_email": check_contact_email,
    "theme": check_theme,
    "services": check_services,
    "project_slug": check_project_slug,
    "ecommune_version": check_ecommune_version,
}


def check_answers(answers: dict) -> dict[str, str]:
    """French messages by field for every answer that would make a broken site."""
    errors: dict[str, str] = {}
    for field, check in CHECKS.items():
        message = check(answers[field], answers)
        if message:
            errors[field] = message
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
    parser.add_argument(
        "--wheel",
        help="Fichier .whl du kit à copier dans wheels/ du site, d'où requirements.txt "
        "l'installe (défaut : celui d'où le kit en cours a été installé, s'il y en a un).",
    )
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


def collect_answers(overrides: dict[str, str], no_input: bool = True) -> dict:
    """Every answer, rendered as cookiecutter would (defaults derive from earlier answers)."""
    context = generate_context(context_file=str(CONTEXT_FILE), extra_context=overrides)
    answers = prompt_for_config(context, no_input=no_input)
    return {key: value for key, value in answers.items() if not key.startswith("_")}


class Interrupted(Exception):
    """The person stopped answering (end of input, or Ctrl+C)."""


class Questions:
    """The template's questions asked one by one on the terminal, each answer checked when
    it is typed and asked again, with a one-line French message, until it is right.

    A default is computed from the answers already given, so that the domain and the
    contact address follow a corrected commune name. An answer given on the command line
    is not asked, unless it is invalid. ``read`` is ``input`` (or a stand-in reading
    another stream); questions and lists go to ``out``, messages to ``err``."""

    def __init__(
        self, overrides: dict[str, str], output_dir: Path, *, read=input, out=None, err=None
    ):
        self.overrides = overrides
        self.output_dir = output_dir
        self.read = read
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        context = generate_context(context_file=str(CONTEXT_FILE))
        self.raw = context["cookiecutter"]
        self.prompts = self.raw.get("__prompts__", {})
        self.env = create_env_with_context(context)

    def ask_all(self) -> dict:
        answers: dict = {}
        for field in template_keys():
            if field in self.overrides:
                value = normalise_answer(field, self.overrides[field])
                message = self.check(field, value, answers)
                if message is None:
                    answers[field] = value
                    continue
                self.refuse(field, message)
            answers[field] = self.ask(field, answers)
        return answers

    def default(self, field: str, answers: dict) -> str:
        if field == "ecommune_version":
            return __version__
        if field == "theme":
            domain = answers.get("domain", "")
            return STATE_THEME if domain.endswith(STATE_DOMAIN_SUFFIX) else self.raw["theme"][0]
        return normalise_answer(field, render_variable(self.env, self.raw[field], answers))

    def ask(self, field: str, answers: dict) -> str:
        default = self.default(field, answers)
        question = self.prompts.get(field, field)
        if field == "theme":
            labels = self.prompts.get("theme", {})
            question = labels.get("__prompt__", "Thème")
            self.show_list(question, [labels.get(name, name) for name in template_keys()["theme"]])
            question = "Numéro ou nom du thème"
        elif field == "services":
            self.show_list(
                "Démarches en ligne du kit",
                [f"{title} ({slug})" for slug, title in KIT_SERVICES.items()],
            )
            question = (
                "Démarches à activer : numéros ou identifiants séparés par des virgules, "
                f"« {ALL_SERVICES} » ou « {NO_SERVICE} »"
            )
            default = default or NO_SERVICE
        while True:
            try:
                reply = self.read(f"{question} [{default}] : ")
            except (EOFError, KeyboardInterrupt) as error:
                raise Interrupted from error
            value = normalise_answer(field, reply if reply.strip() else default)
            message = self.check(field, value, answers)
            if message is None:
                return value
            self.refuse(field, message)

    def check(self, field: str, value: str, answers: dict) -> str | None:
        message = CHECKS[field](value, answers)
        if message is None and field == "project_slug" and (self.output_dir / value).exists():
            message = f"le dossier {self.output_dir / value} existe déjà : choisissez un autre nom."
        return message

    def show_list(self, title: str, items: list[str]) -> None:
        print(f"{title} :", file=self.out)
        for number, item in enumerate(items, start=1):
            print(f"  {number}. {item}", file=self.out)
        self.out.flush()

    def refuse(self, field: str, message: str) -> None:
        print(format_errors({field: message}), file=self.err)
        self.err.flush()


def installed_wheel() -> Path | None:
    """The wheel file the running kit was installed from, if pip recorded one (PEP 610
    ``direct_url.json``) and it is still there; None for a kit from an index or a folder."""
    from importlib.metadata import PackageNotFoundError, distribution
    from urllib.parse import unquote, urlparse

    try:
        text = distribution("ecommune").read_text("direct_url.json")
    except PackageNotFoundError:
        return None
    if not text:
        return None
    url = urlparse(json.loads(text).get("url", ""))
    path = Path(unquote(url.path))
    if url.scheme == "file" and path.suffix == ".whl" and path.is_file():
        return path
    return None


def check_wheel(path: Path, version: str) -> str | None:
    """The reason the file is not a wheel of this kit at ``version``, or None."""
    expected = f"ecommune-{version}-"
    if not path.is_file():
        return f"« {path} » : fichier introuvable."
    if path.suffix != ".whl" or not path.name.startswith(expected):
        return (
            f"« {path.name} » n'est pas une roue d'ecommune {version} "
            f"(attendu : {expected}py3-none-any.whl, que construit make dist)."
        )
    return None


def main(argv: list[str] | None = None) -> int:
    """Run ``ecommune new``; returns the exit status (0, or 2 when an answer is invalid)."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    overrides, problems = parse_overrides(args.answers)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_INVALID
    if args.wheel and not Path(args.wheel).is_file():
        print(f"Option --wheel : « {args.wheel} » : fichier introuvable.", file=sys.stderr)
        return EXIT_INVALID
    if args.no_input:
        overrides.setdefault("ecommune_version", __version__)
        answers = normalise(collect_answers(overrides))
        errors = check_answers(answers)
        if errors:
            # One line per answer to fix, naming it; nothing is written.
            print(format_errors(errors), file=sys.stderr)
            return EXIT_INVALID
    else:
        try:
            answers = Questions(overrides, Path(args.output_dir)).ask_all()
        except Interrupted:
            print("\nSaisie interrompue : le site n'a pas été créé.", file=sys.stderr)
            return EXIT_INVALID

    wheel = Path(args.wheel) if args.wheel else installed_wheel()
    if wheel is not None:
        problem = check_wheel(wheel, answers["ecommune_version"])
        if problem:
            print(f"Option --wheel : {problem} Le site n'a pas été créé.", file=sys.stderr)
            return EXIT_INVALID
    output_dir = Path(args.output_dir)
    target = output_dir / answers["project_slug"]
    if target.exists():
        print(f"Le dossier {target} existe déjà : le site n'a pas été créé.", file=sys.stderr)
        return EXIT_INVALID
    try:
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            extra_context={**answers, "_kit_wheel": wheel.name if wheel else ""},
            output_dir=str(output_dir),
            default_config=True,
        )
    except OutputDirExistsException:
        print(f"Le dossier {target} existe déjà : le site n'a pas été créé.", file=sys.stderr)
        return EXIT_INVALID
    except CookiecutterException as exc:
        print(f"Le site n'a pas été créé : {exc}", file=sys.stderr)
        return 1
    if wheel is not None:
        # requirements.txt installs the kit from here until it is on a package index.
        (target / "wheels").mkdir(exist_ok=True)
        shutil.copy2(wheel, target / "wheels" / wheel.name)
    # The template's post-generation hook has said where the site is and what comes next.
    return 0
