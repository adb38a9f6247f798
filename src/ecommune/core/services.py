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

    #: What the resident reads on the acknowledgment under « what happens next ».
    what_next = _("An agent of the town hall will read your request and answer you.")

    @classmethod
    def describe(cls) -> str:
        return str(cls.summary) or str(_("No description."))

    @classmethod
    def form_steps(cls) -> list[tuple[str, type]]:
        """The service's own wizard steps, as (name, form class); the engine adds who asks
        first and the summary last."""
        return []

    @classmethod
    def step_form_kwargs(cls, step: str, request) -> dict:
        """Extra keyword arguments for the form of ``step`` (the HTTP ``request`` gives the
        user and the commune); the engine already gives ``owner`` to steps that reuse
        documents (``ecommune.requests.document_steps``)."""
        return {}

    @classmethod
    def shared_with(cls, user):
        """A ``Q`` on ``Request`` for this service's requests ``user`` may follow besides
        their own (a household's other guardian, say), or None."""
        return None

    @classmethod
    def step_title(cls, step: str) -> str:
        return step

    @classmethod
    def summary_rows(cls, data: dict) -> list[tuple[str, str]]:
        """(label, value) pairs of the service's own answers, for the summary and the agent."""
        return []

    @classmethod
    def stored_data(cls, request) -> dict:
        """The service's answers for a filed ``request``, in the wizard's shape
        ({step: {field: value}}), so ``summary_rows`` shows them to the agent."""
        return {}

    @classmethod
    def save(cls, request, data: dict) -> None:
        """Store the service's typed data for a filed ``request`` (in the filing transaction)."""
