"""The school map (carte scolaire): which school a child attends, from the household's
address, and its import from a CSV file with a report of the lines refused.

Street names are compared on a key that ignores case, accents, punctuation and the usual
abbreviations (« av. » for « avenue »…), since residents and the town hall's file rarely
spell them alike.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ecommune.services.school.models import School, Side, StreetSegment

_ABBREVIATIONS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "ch": "chemin",
    "chem": "chemin",
    "imp": "impasse",
    "pl": "place",
    "r": "rue",
    "rte": "route",
    "st": "saint",
    "ste": "sainte",
    "all": "allee",
    "sq": "square",
}
_NUMBER = re.compile(r"^\s*(\d+)")


def street_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def house_number(value: str) -> int | None:
    match = _NUMBER.match(value or "")
    return int(match.group(1)) if match else None


def find_school(street: str, number: str = "", level: str = "") -> School | None:
    """The school of the sector for an address of the current commune and a level (a street
    usually has a nursery and an elementary school), or None when the map does not know the
    street (the agent then decides; enrolment is never blocked)."""
    segments = StreetSegment.objects.filter(street_key=street_key(street)).select_related("school")
    n = house_number(number)
    for segment in segments:
        wrong_side = n is None or (n % 2 == 1) != (segment.side == Side.ODD)
        if segment.side != Side.BOTH and wrong_side:
            continue
        if segment.number_from is not None and (n is None or n < segment.number_from):
            continue
        if segment.number_to is not None and (n is None or n > segment.number_to):
            continue
        if level and level not in segment.school.levels:
            continue
        return segment.school
    return None


_SIDES = {
    "": Side.BOTH,
    "both": Side.BOTH,
    "tous": Side.BOTH,
    "toutes": Side.BOTH,
    "les deux": Side.BOTH,
    "odd": Side.ODD,
    "impair": Side.ODD,
    "impairs": Side.ODD,
    "even": Side.EVEN,
    "pair": Side.EVEN,
    "pairs": Side.EVEN,
}
COLUMNS = ("rue", "cote", "de", "a", "ecole")


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, text, reason


def _number(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(_("« %(value)s » is not a house number.") % {"value": value})
    return int(value)


def import_street_map(commune, content: bytes | str) -> ImportReport:
    """Replace the commune's school map with the valid lines of a CSV file
    (columns ``rue;cote;de;a;ecole``, the school by its name or UAI code); every other line
    is reported with its number and why. Nothing is replaced when no line is valid."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            content = content.decode("cp1252")
    sample = content[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    schools = {}
    for school in School.objects.for_commune(commune):
        schools[street_key(school.name)] = school
        if school.uai:
            schools[school.uai.upper()] = school
    report = ImportReport()
    segments = []
    for line_number, row in enumerate(reader, start=1):
        text = delimiter.join(row)
        if not any(cell.strip() for cell in row):
            continue
        if line_number == 1 and street_key(row[0]) in {"rue", "street", "voie"}:
            continue
        if len(row) != len(COLUMNS):
            report.rejected.append(
                (line_number, text, _("Expected 5 columns: rue;cote;de;a;ecole."))
            )
            continue
        street, side, start, end, school_name = (cell.strip() for cell in row)
        if not street_key(street):
            report.rejected.append((line_number, text, _("The street is missing.")))
            continue
        side_value = _SIDES.get(street_key(side))
        if side_value is None:
            report.rejected.append(
                (line_number, text, _("The side must be pair, impair or empty."))
            )
            continue
        try:
            number_from, number_to = _number(start), _number(end)
        except ValueError as exc:
            report.rejected.append((line_number, text, str(exc)))
            continue
        if number_from is not None and number_to is not None and number_from > number_to:
            report.rejected.append(
                (line_number, text, _("The first number is greater than the last."))
            )
            continue
        school = schools.get(school_name.upper()) or schools.get(street_key(school_name))
        if school is None:
            report.rejected.append(
                (
                    line_number,
                    text,
                    _("No school of the commune is called « %(name)s ».") % {"name": school_name},
                )
            )
            continue
        segments.append(
            StreetSegment(
                commune=commune,
                street=street,
                street_key=street_key(street),
                side=side_value,
                number_from=number_from,
                number_to=number_to,
                school=school,
            )
        )
    if segments:
        with transaction.atomic():
            StreetSegment.objects.for_commune(commune).delete()
            StreetSegment.objects.for_commune(commune).bulk_create(segments)
    report.imported = len(segments)
    return report
