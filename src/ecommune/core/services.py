"""The base class of an online procedure (a *service*) registered in the registry.

This is the contract a service fills in; the request engine reads it to give
every service its reference, acknowledgment, tracking and inbox.
"""

from django.utils.translation import gettext_lazy as _


class Service:
    """Describe one online procedure; subclass and register with ``@registry.register``."""

    #: Stable identifier stored in communes' settings and in requests (never rename).
    slug: str = ""
    #: The procedure's name as residents read it, in French through gettext.
    title = ""
    #: One sentence shown in the catalogue.
    summary = ""
    #: Expected processing delay in working days, for the acknowledgment.
    processing_days: int = 10
    #: Position in the catalogue.
    order: int = 100
    #: The report's propositions it answers, for the docs and the admin.
    propositions: tuple[int, ...] = ()
    #: The service's own statuses as (value, label) pairs; None: the engine's common set
    #: (``ecommune.requests.statuses.Status``).
    statuses: tuple[tuple[str, str], ...] | None = None
    #: Allowed transitions {status: (next statuses…)}; None: the engine's common ones.
    transitions: dict[str, tuple[str, ...]] | None = None
    #: The status a new request starts in.
    initial_status: str = "submitted"

    @classmethod
    def describe(cls) -> str:
        return str(cls.summary) or str(_("No description."))
