"""The appointments' fixtures (a counter open on weekdays, a 15-minute motive, a quiet
Monday), for the survey after an appointment."""

from tests.appointments.conftest import civil, counter, monday  # noqa: F401  (fixtures)
