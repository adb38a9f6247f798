"""Client of ANTS's anti-duplicate API (« API rendez-vous », coordination of the town halls'
passport and ID-card appointments), an optional per-commune setting.

``GET {url}/status?application_ids=…`` with the header ``x-rdv-opt-auth-token`` answers,
per pre-demand number, its status and the appointments other software declared for it::

    {"7A2B9C4D1E": {"status": "validated", "appointments": [...]}}

Only ``validated`` may be booked; ``consumed`` means the request was already filed with
ANTS, ``expired``/``unknown``/``declared`` that the number cannot hold a new appointment
(FRENCH-RULES.md; the shapes follow betagouv/rdv-service-public's client, as no live call
is possible here). ANTS being down or slow never blocks a booking: the caller logs it and
the local rule (one future appointment per number in the install) still holds.

``POST {url}/appointments`` and ``DELETE {url}/appointments`` (query parameters
``application_id``, ``meeting_point``, ``appointment_date`` and, to declare,
``management_url``) tell ANTS which appointment a number holds here, so that other
software sees it; ``ecommune.appointments.ants_declarations`` keeps them in step.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

VALIDATED = "validated"
CONSUMED = "consumed"
TIMEOUT_SECONDS = 5


class AntsApiError(Exception):
    """ANTS could not be asked or answered something unreadable."""


@dataclass(frozen=True)
class ApplicationStatus:
    number: str
    status: str
    appointments: list = field(default_factory=list)

    @property
    def may_book(self) -> bool:
        return self.status == VALIDATED


class AntsApiClient:
    def __init__(self, url: str, token: str = "", timeout: float = TIMEOUT_SECONDS):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def statuses(self, numbers: list[str]) -> dict[str, ApplicationStatus]:
        """Each number's status at ANTS; raises AntsApiError when ANTS cannot tell."""
        if not numbers:
            return {}
        if not self.url.startswith(("https://", "http://")):
            raise AntsApiError(f"not a web address: {self.url}")
        query = urllib.parse.urlencode([("application_ids", n) for n in numbers])
        request = urllib.request.Request(  # noqa: S310  (http(s) only, checked above)
            f"{self.url}/status?{query}",
            headers={"Accept": "application/json", "x-rdv-opt-auth-token": self.token},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            raise AntsApiError(str(error)) from error
        if not isinstance(body, dict):
            raise AntsApiError(f"unexpected answer: {body!r}"[:200])
        found = {}
        for number in numbers:
            entry = body.get(number)
            if not isinstance(entry, dict) or not entry.get("status"):
                raise AntsApiError(f"no status for {number}")
            found[number] = ApplicationStatus(
                number=number,
                status=str(entry["status"]),
                appointments=list(entry.get("appointments") or []),
            )
        return found


def appointment_date(moment) -> str:
    """How ANTS writes an appointment's date: Paris time, to the second, no offset."""
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S")


def _change(client, method: str, params: list[tuple[str, str]]) -> None:
    if not client.url.startswith(("https://", "http://")):
        raise AntsApiError(f"not a web address: {client.url}")
    request = urllib.request.Request(  # noqa: S310  (an https address set by the commune)
        f"{client.url}/appointments?{urllib.parse.urlencode(params)}",
        method=method,
        headers={"Accept": "application/json", "x-rdv-opt-auth-token": client.token},
    )
    try:
        with urllib.request.urlopen(request, timeout=client.timeout) as response:  # noqa: S310
            response.read()
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        raise AntsApiError(f"{method} /appointments: {error}") from error


def declare_appointment(client, number, meeting_point, start, management_url) -> None:
    """Tell ANTS that ``number`` holds this appointment here; raises AntsApiError."""
    _change(
        client,
        "POST",
        [
            ("application_id", number),
            ("meeting_point", meeting_point),
            ("appointment_date", appointment_date(start)),
            ("management_url", management_url),
        ],
    )


def withdraw_appointment(client, number, meeting_point, start) -> None:
    """Tell ANTS that ``number`` no longer holds this appointment; raises AntsApiError."""
    _change(
        client,
        "DELETE",
        [
            ("application_id", number),
            ("meeting_point", meeting_point),
            ("appointment_date", appointment_date(start)),
        ],
    )


def client_for(config) -> AntsApiClient | None:
    """The client of a commune's ``AppointmentSettings``, or None when not set up."""
    if not config.ants_api_url:
        return None
    return AntsApiClient(config.ants_api_url, config.ants_api_token, timeout=TIMEOUT_SECONDS)


def refused_numbers(config, numbers: list[str]) -> list[ApplicationStatus]:
    """The numbers ANTS says cannot be booked; none when ANTS is not set up or cannot tell
    (logged: the local check still applies)."""
    client = client_for(config)
    if client is None or not numbers:
        return []
    try:
        statuses = client.statuses(numbers)
    except AntsApiError as error:
        logger.warning("ANTS status check unavailable, local check only: %s", error)
        return []
    return [status for status in statuses.values() if not status.may_book]
