"""Argument types of the kit's management commands, and their one way of refusing input.

Commands are run by IT teams, by hand or from cron: a wrong argument must end with one
clear line and exit status 2 (the status argparse itself gives to a bad option), never
with a traceback, and before the command has changed anything. Each type below raises
``argparse.ArgumentTypeError``, which the command line prints as
``manage.py <command>: error: argument --date: …`` with status 2; ``bad_input()`` is the
``CommandError`` a command raises for input it can only judge later (an unknown commune,
an unreadable file), printed as ``CommandError: …`` with the same status. See
docs/it-team/commands.md.
"""

import argparse
import datetime

from django.core.management.base import CommandError

from ecommune.core.dates import MAX_YEAR, MIN_YEAR, parse_date

#: Exit status of a refused argument, as argparse gives for a bad option.
BAD_INPUT = 2
#: Longest path most systems accept (Linux's PATH_MAX).
MAX_PATH = 4096


def bad_input(message: str) -> CommandError:
    """A command's input refused: ``raise bad_input("…")`` prints it, exit status 2."""
    return CommandError(message, returncode=BAD_INPUT)


def shown(value: str) -> str:
    """The value for a message: quoted, and cut when it is long."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _check_text(value: str, max_length: int) -> str:
    if "\x00" in value:
        raise argparse.ArgumentTypeError(f"{shown(value)} contains a NUL byte")
    if len(value) > max_length:
        raise argparse.ArgumentTypeError(f"at most {max_length} characters, not {len(value)}")
    return value


def text(max_length: int = 255):
    """Plain text (a name, an email, an id): no NUL byte, at most ``max_length`` characters."""

    def parse(value: str) -> str:
        return _check_text(value, max_length).strip()

    return parse


def path(value: str) -> str:
    """A file or folder name: no NUL byte, no longer than a path may be."""
    return _check_text(value, MAX_PATH)


def whole_number(min_value: int, max_value: int):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown(value)} is not a whole number") from None
        if not min_value <= number <= max_value:
            raise argparse.ArgumentTypeError(f"between {min_value} and {max_value}, not {number}")
        return number

    return parse


def number(min_value: float, max_value: float):
    def parse(value: str) -> float:
        try:
            result = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown(value)} is not a number") from None
        if not min_value <= result <= max_value:  # also refuses nan
            raise argparse.ArgumentTypeError(f"between {min_value} and {max_value}, not {value}")
        return result

    return parse


def date(value: str) -> datetime.date:
    """``YYYY-MM-DD``, a real day of a year between MIN_YEAR and MAX_YEAR."""
    day = parse_date(value)
    if day is None:
        raise argparse.ArgumentTypeError(
            f"{shown(value)} is not a date YYYY-MM-DD between {MIN_YEAR} and {MAX_YEAR}"
        )
    return day


def month(value: str) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month)."""
    day = parse_date(f"{value}-01") if len(value) == 7 else None
    if day is None:
        raise argparse.ArgumentTypeError(
            f"{shown(value)} is not a month YYYY-MM (such as 2026-11) between {MIN_YEAR} and "
            f"{MAX_YEAR}"
        )
    return day.year, day.month
