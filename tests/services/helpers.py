"""Shared helpers of the civil-status and elections tests, now shipped with the kit for
every service's tests (``ecommune.testing``): walking a wizard with the test client, an
agent of a commune for a service, a small valid PDF, the private storage in the test's
folder."""

from ecommune.testing.otp import agent_client_for
from ecommune.testing.pytest_plugin import private_storage
from ecommune.testing.wizard import APPLICANT, PDF, errors_of, post_step

__all__ = ["APPLICANT", "PDF", "agent_client_for", "errors_of", "post_step", "private_storage"]
