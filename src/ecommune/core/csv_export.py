"""The kit's one CSV writer: every CSV an agent downloads is written here, so no cell can
run as a spreadsheet formula (CSV or formula injection).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with a single quote, as OWASP recommends: the spreadsheet shows it as text (some
show the quote, others hide it). This applies to every text cell, whoever typed it: a
resident's name, an agent's page title, the kit's own labels.

Numbers the kit computes are not text anyone typed, and a negative amount must stay a
number the agent can add up. So a cell is left as is when its type says it is a number:
an ``int``, a ``Decimal`` or a ``float``, or a ``Figure``, the French-formatted number
(``-12,50``) the exports write. A ``Figure`` can only be made from a number, never from a
string, so typed text can't pass as one; a resident's « -1 » is text and gets its quote.

The CSV dialect is each export's own, unchanged by this module: the kit's exports are
``FRENCH_SPREADSHEET`` (``;``, UTF-8 with a byte-order mark so Excel reads the accents,
CRLF), Wagtail's reports keep theirs (``WAGTAIL``: ``,``, no byte-order mark), through
``ecommune.core.apps``, which points Wagtail's spreadsheet exports here.

Every response made here carries the attribute ``MARK``: the tests walk every URL
pattern and refuse a CSV response without it.

Not ``defusedcsv`` (the maintained drop-in for ``csv``): it leaves cells starting with a
tab or a carriage return alone, and lets any typed text that looks like a number through.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
MARK = "ecommune_csv_export"
#: The media type of the files written here, for schemas that declare them (the public API's).
MEDIA_TYPE = "text/csv"


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ";"
    byte_order_mark: bool = True
    lineterminator: str = "\r\n"


FRENCH_SPREADSHEET = Dialect()
WAGTAIL = Dialect(delimiter=",", byte_order_mark=False)


class Figure(str):
    """A number the kit computed, written the French way (``-12,50``) and never quoted."""

    def __new__(cls, value: int | Decimal, places: int | None = None):
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise TypeError(f"A Figure is made of an int or a Decimal, not {value!r}.")
        if places is not None:
            text = f"{value:.{places}f}"
        else:
            text = str(value) if isinstance(value, int) else f"{value:f}"
        return super().__new__(cls, text.replace(".", ","))

    def __reduce__(self):
        # Copied or pickled (a cached context), it comes back as the plain text it shows.
        return (str, (str.__str__(self),))


def defuse(text: str) -> str:
    """``text`` as a cell a spreadsheet shows and never runs."""
    return "'" + text if text.startswith(DANGEROUS_STARTS) else text


def cell(value) -> str:
    """One cell: numbers (by type) as they are, anything else as defused text."""
    if value is None:
        return ""
    if isinstance(value, Figure):
        return str.__str__(value)
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        return str(value)
    return defuse(str(value))


class _Echo:
    """A file that gives back what is written: ``csv.writer`` then makes one line a call."""

    def write(self, value: str) -> str:
        return value


def lines(rows: Iterable[Iterable], dialect: Dialect = FRENCH_SPREADSHEET) -> Iterator[str]:
    """The CSV text, line by line (for a streaming response), byte-order mark first."""
    writer = csv.writer(_Echo(), delimiter=dialect.delimiter, lineterminator=dialect.lineterminator)
    if dialect.byte_order_mark:
        yield "\ufeff"
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def to_text(rows: Iterable[Iterable], dialect: Dialect = FRENCH_SPREADSHEET) -> str:
    return "".join(lines(rows, dialect))


def response(
    rows: Iterable[Iterable],
    filename: str,
    *,
    dialect: Dialect = FRENCH_SPREADSHEET,
    streaming: bool = False,
    content_type: str = "text/csv; charset=utf-8",
):
    """A download of ``rows`` named ``filename``; ``streaming`` for long exports (rows
    are then read as the file is sent: give an iterator over a queryset's ``iterator()``)."""
    if streaming:
        answer = StreamingHttpResponse(lines(rows, dialect), content_type=content_type)
    else:
        answer = HttpResponse(to_text(rows, dialect), content_type=content_type)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    setattr(answer, MARK, True)
    return answer


def wagtail_csv_response(view, queryset):
    """Wagtail's ``SpreadsheetExportMixin.write_csv_response`` through this writer: the
    reports (site history, locked and aging pages, workflows), redirects and every listing
    with an export, in Wagtail's own columns and dialect."""
    fields = view.list_export

    def rows():
        yield [view.get_heading(queryset, field) for field in fields]
        for item in queryset:
            yield [
                view.preprocess_field_value(field, value, view.FORMAT_CSV)
                for field, value in view.to_row_dict(item).items()
            ]

    return response(
        rows(),
        f"{view.get_filename()}.csv",
        dialect=WAGTAIL,
        streaming=True,
        content_type="text/csv",
    )
