"""The CSV of accepted requests, with the fields the REU's entry screen asks for, in the
French spreadsheet convention (``;``, UTF-8 with a byte-order mark, dates as 31/12/2026),
written by the kit's CSV writer (``ecommune.core.csv_export``, formulas defused)."""

from django.utils.translation import gettext as _

from ecommune.services.elections.eu import EU_COUNTRIES


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def header() -> list[str]:
    return [
        _("Reference"),
        _("Filed on"),
        _("List"),
        _("Sex"),
        _("Last name at birth"),
        _("Usage name"),
        _("First names"),
        _("Date of birth"),
        _("Place of birth"),
        _("Department or country of birth"),
        _("Nationality"),
        _("Street address"),
        _("Postal code"),
        _("City"),
        _("Attachment"),
        _("Previously registered in"),
        _("Counts for"),
        _("Exception after the deadline"),
        _("Email"),
    ]


def row(filed) -> list[str]:
    registration = filed.registration
    nationality = (
        dict(EU_COUNTRIES).get(registration.eu_country, registration.eu_country)
        if registration.eu_country
        else _("French citizen")
    )
    return [
        filed.reference,
        _date(filed.submitted_at.date()),
        registration.list_codes,
        registration.sex,
        registration.birth_last_name.upper(),
        registration.usage_name.upper(),
        registration.first_names,
        _date(registration.birth_date),
        registration.birth_place,
        registration.birth_area,
        str(nationality),
        registration.street_address,
        registration.postal_code,
        registration.city,
        str(registration.get_ground_display()),
        registration.previous_commune,
        registration.election.name if registration.election else "",
        str(registration.get_late_exception_display()) if registration.late_exception else "",
        filed.applicant_email,
    ]


def table(requests) -> list[list[str]]:
    """The header, then a line per request."""
    return [header(), *(row(filed) for filed in requests)]
