"""The contract of an online procedure (a *service*): everything the kit needs to know of it,
declared on one class, read by the request engine, the portal, the back office, the
personal-data register and the system checks.

A service is a ``Service`` subclass registered with ``@registry.register``; the kit's own
services fill it in exactly as a third-party package does (``docs/integrators/
write-a-service.md`` walks through one). What a service declares:

- its texts: ``title``, ``summary``, ``who_can_ask``, ``documents``, ``what_next``;
- who may ask (``access``) and its delay in working days (``processing_days``);
- its wizard ``steps`` (``Step``: a name, a form, a title, an optional condition); where its
  data is a model (``model``, linked to the request by a one-to-one ``request`` field),
  the engine saves the steps' answers into one row, shows them on the summary and to the
  agent, and reads them back: nothing to write by hand;
- its statuses (value, label), transitions, the ``closed`` set and agents' labels;
- its personal-data processing (``processing``: purpose, legal basis, retention…);
- its service-public.fr fiches and the life events it belongs to;
- public URLs of its own (``urls``), included by the kit's URLconf;
- hooks for what the engine cannot guess (``after_filing``, ``step_form_kwargs``,
  ``shared_with``).

A class missing a required part fails ``manage.py check`` (``ecommune.core.checks``), naming
the service and the part: at start, never at the first resident's visit.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from ecommune.core.plugins import Registry

#: Who may file a request of a service.
ANYONE, SIGNED_IN, FRANCECONNECT = "anyone", "signed_in", "franceconnect"
ACCESS_CHOICES = (
    (ANYONE, _("Anyone")),
    (SIGNED_IN, _("A signed-in resident")),
    (FRANCECONNECT, _("A resident signed in with FranceConnect")),
)

PUBLIC_TASK = _("Public-interest task of the commune (GDPR art. 6-1-e)")
LEGAL_OBLIGATION = _("Legal obligation (GDPR art. 6-1-c)")
AGENTS = _("The town hall's agents in charge of the request")


@dataclass(frozen=True)
class Processing:
    """A personal-data processing, as the register (RGPD art. 30) and the « données
    personnelles » page show it."""

    purpose: Any
    legal_basis: Any = PUBLIC_TASK
    data: Any = _("The information given in the online form and its attachments.")
    retention: Any = _("As long as needed to handle the request, then as archiving rules require.")
    recipients: Any = AGENTS


@dataclass(frozen=True)
class RegisterEntry:
    """A processing of personal data that is not an online procedure's (appointments, the
    resident's account, the family space and its invoices): the register lists it after
    the services'. Apps add theirs to ``register_entries``."""

    key: str
    title: Any
    processing: Processing
    order: int = 100


#: The register's entries beside the services (``ecommune.core.plugins.Registry``).
register_entries: Registry[RegisterEntry] = Registry(
    "register entry", key=lambda entry: entry.key, order=lambda entry: (entry.order, entry.key)
)


@dataclass(frozen=True)
class Step:
    """One screen of the wizard: ``form`` is a form class or its dotted path; ``condition``
    (the answers so far, by step → bool) shows the step only when it is true, as
    formtools' ``condition_dict`` does, so it works without JavaScript."""

    name: str
    form: Any
    title: Any = ""
    condition: Any = None

    def form_class(self):
        return import_string(self.form) if isinstance(self.form, str) else self.form


@dataclass(frozen=True)
class DeskAction:
    """An agent's action on a request of the service (« Accorder », « Refuser »), offered in
    the shared inbox's request page and the service's desk beside the engine's own.

    ``perform(http_request, filed, cleaned_data)`` (or its dotted path) does the work in a
    transaction; then, when ``to_status`` is set, the engine moves the request there with
    the resident's ``comment`` (« %(reason)s » in it standing for the agent's reason; empty:
    the ``reason`` alone, if ``needs_reason``), writing the history, the audit trail and the
    resident's email. ``form`` adds fields of its own (built with ``filed=`` the request
    when its ``__init__`` takes it); ``statuses`` (empty: every open one) say when the action
    is offered. A ``ValidationError`` that ``perform`` raises undoes everything and is shown
    next to the field it names."""

    name: str
    label: Any
    perform: Any = None
    form: Any = None
    to_status: str | None = None
    statuses: tuple[str, ...] = ()
    needs_reason: bool = False
    reason_label: Any = _("Reason sent to the applicant")
    comment: Any = ""

    def perform_function(self):
        if isinstance(self.perform, str):
            return import_string(self.perform)
        return self.perform

    def form_class(self):
        return import_string(self.form) if isinstance(self.form, str) else self.form


@dataclass
class ServiceParts:
    """What ``checks`` found missing or wrong in a service class."""

    problems: list[str] = field(default_factory=list)

    def require(self, condition: bool, part: str) -> None:
        if not condition:
            self.problems.append(part)


class Service:
    """Describe one online procedure; subclass, fill in, and ``@registry.register``."""

    #: Stable identifier stored in communes' settings and in requests (never rename).
    slug: str = ""
    #: The procedure's name as residents read it, in French through gettext.
    title = ""
    #: One sentence shown in the catalogue and on the service's page.
    summary = ""
    #: Who may ask and what to have at hand, shown on the service's page (plain text).
    who_can_ask = ""
    documents = ""
    #: Who may file: ``ANYONE``, ``SIGNED_IN`` or ``FRANCECONNECT``.
    access: str = ANYONE
    #: Expected processing delay in working days, for the acknowledgment (1 to 365).
    processing_days: int = 10
    #: Position in the catalogue.
    order: int = 100
    #: The report's propositions it answers, for the docs and the admin.
    propositions: tuple[int, ...] = ()
    #: What the resident reads on the acknowledgment under « what happens next ».
    what_next = _("An agent of the town hall will read your request and answer you.")

    #: The wizard's own steps (the engine adds who asks first and the summary last).
    steps: tuple[Step, ...] = ()
    #: The model holding the service's data (a class or « app_label.Model »), with a
    #: one-to-one ``request`` field: the engine fills it from the steps' answers whose names
    #: are its fields.
    model: Any = None

    #: The service's own statuses as (value, label); None: the engine's common set
    #: (``ecommune.requests.statuses.Status``).
    statuses: tuple[tuple[str, Any], ...] | None = None
    #: Allowed transitions {status: (next statuses…)}; None: the engine's common ones.
    transitions: dict[str, tuple[str, ...]] | None = None
    #: The status a new request starts in.
    initial_status: str = "submitted"
    #: Statuses that close a request (no delay runs, the survey is sent); None: the
    #: engine's common ones.
    closed_statuses: frozenset[str] | None = None
    #: The status meaning « waiting for the resident » (a missing piece), if any; None:
    #: the engine's when the service uses it.
    waiting_status: str | None = None
    #: How agents read a status whose label speaks to the resident: {status: label}.
    agent_labels: dict[str, Any] = {}

    #: What the service does with personal data, for the register and the legal page.
    processing: Processing | None = None
    #: service-public.fr fiches (« F1427 ») shown with the service and linking back to it.
    servicepublic_fiches: tuple[str, ...] = ()
    #: The portal's life events it belongs to, by key (``ecommune.cms.provisioning``:
    #: birth, moving, marriage, death, elections, school, identity).
    life_events: tuple[str, ...] = ()
    #: Public pages of its own worth a link from its service page and its life events:
    #: (label, URL name), such as the school's canteen cost simulator.
    related_links: tuple[tuple[Any, str], ...] = ()
    #: Agents' actions of its own, beside the engine's (status, message, missing piece…).
    desk_actions: tuple[DeskAction, ...] = ()
    #: True when the service's package adds back-office pages of its own for its requests;
    #: otherwise the kit registers its generic desk for it (``ecommune.requests.desk``: the
    #: list of its requests, by status, and the intake).
    has_own_desk: bool = False
    #: True when a step's form takes ``answers``: the earlier steps' answers by field name
    #: (a designed procedure's fields shown only after a given answer).
    forms_take_earlier_answers: bool = False

    @classmethod
    def urls(cls) -> list:
        """URL patterns of the service's own public pages; the kit's URLconf includes them
        under ``/<url_prefix>/`` with the namespace ``ecommune_<slug>``."""
        return []

    #: Where ``urls()`` are mounted (default: the slug).
    url_prefix: str = ""

    # -- Read by the engine --------------------------------------------------------------

    @classmethod
    def describe(cls) -> str:
        return str(cls.summary) or str(_("No description."))

    @classmethod
    def form_steps(cls) -> list[tuple[str, type]]:
        """The steps as (name, form class), for the wizard."""
        return [(step.name, step.form_class()) for step in cls.steps]

    @classmethod
    def step_conditions(cls) -> dict:
        """formtools' ``condition_dict``: {step: callable(wizard) → bool}."""
        return {step.name: _condition(step.condition) for step in cls.steps if step.condition}

    @classmethod
    def step_title(cls, step: str) -> str:
        for declared in cls.steps:
            if declared.name == step:
                return declared.title or step
        return step

    @classmethod
    def step_form_kwargs(cls, step: str, request) -> dict:
        """Extra keyword arguments for the form of ``step`` (the HTTP ``request`` gives the
        user and the commune); the engine already gives ``owner`` to steps that reuse
        documents (``ecommune.requests.document_steps``)."""
        return {}

    @classmethod
    def version_label(cls) -> str:
        """Which version of the procedure a request was filed with, when the service has
        versions (a designed procedure: « Version 2 du 6 décembre 2026 »), or empty."""
        return ""

    @classmethod
    def resident_message(cls, status: str) -> str:
        """A text of the service's own for the resident's email when a request reaches
        ``status`` (« submitted »: the acknowledgment), or empty."""
        return ""

    @classmethod
    def shared_with(cls, user):
        """A ``Q`` on ``Request`` for this service's requests ``user`` may follow besides
        their own (a household's other guardian, say), or None."""
        return None

    @classmethod
    def get_model(cls):
        if isinstance(cls.model, str):
            from django.apps import apps

            return apps.get_model(cls.model)
        return cls.model

    @classmethod
    def model_fields(cls) -> set[str]:
        model = cls.get_model()
        if model is None:
            return set()
        return {
            f.name
            for f in model._meta.get_fields()
            if f.concrete and f.name not in ("id", "commune", "request")
        }

    @classmethod
    def summary_rows(cls, data: dict) -> list[tuple[str, str]]:
        """(label, value) of every answer of the service's steps, as the forms label them:
        the summary before sending, and the agent's view of a filed request."""
        rows = []
        for step in cls.steps:
            answers = data.get(step.name) or {}
            if not answers:
                continue
            form = step.form_class()
            for name, form_field in _declared_fields(form).items():
                if name not in answers:
                    continue
                value = display_value(form_field, answers[name])
                if value != "":
                    rows.append((str(form_field.label or name), value))
        return rows

    @classmethod
    def typed_row(cls, request):
        """The ``model`` row of a filed ``request``, or None."""
        model = cls.get_model()
        if model is None:
            return None
        return model._base_manager.filter(request=request).first()

    @classmethod
    def stored_data(cls, request) -> dict:
        """The service's answers for a filed ``request``, by step ({step: {field: value}}),
        read back from its ``model`` row: ``summary_rows`` shows them to the agent."""
        row = cls.typed_row(request)
        return {} if row is None else cls.answers_of(row)

    @classmethod
    def answers_of(cls, row) -> dict:
        """The steps' answers read from the service's ``row``: a field, or a property of the
        model for an answer the row keeps in another shape."""
        fields = cls.model_fields()

        def readable(name):
            return name in fields or isinstance(getattr(type(row), name, None), property)

        return {
            step.name: {
                name: getattr(row, name)
                for name in _declared_fields(step.form_class())
                if readable(name)
            }
            for step in cls.steps
        }

    @classmethod
    def save(cls, request, data: dict) -> None:
        """Store the service's data for a filed ``request`` (in the filing transaction): one
        ``model`` row from every step's answers whose names are the model's fields."""
        model = cls.get_model()
        if model is None:
            return
        fields = cls.model_fields()
        values = {}
        for step in cls.steps:
            for name, value in (data.get(step.name) or {}).items():
                if name in fields:
                    values[name] = value.strip() if isinstance(value, str) else value
        many = {f.name for f in model._meta.many_to_many}
        row = model(
            commune_id=request.commune_id,
            request=request,
            **{k: v for k, v in values.items() if k not in many},
        )
        row.save()
        for name in many & values.keys():
            getattr(row, name).set(values[name])

    @classmethod
    def after_filing(cls, request, data: dict) -> None:
        """What else filing does, in its transaction, once the data is saved (a note for
        the agent, an offer to the resident): nothing by default."""

    @classmethod
    def check_contract(cls) -> list[str]:
        """The parts of the contract this class misses or gets wrong (``checks``)."""
        parts = ServiceParts()
        parts.require(
            bool(cls.slug) and cls.slug.replace("_", "-").replace("-", "").isalnum(),
            "slug (letters, digits, « - » and « _ »)",
        )
        parts.require(bool(str(cls.title)), "title")
        parts.require(bool(str(cls.summary)), "summary")
        parts.require(
            isinstance(cls.processing_days, int) and 1 <= cls.processing_days <= 365,
            "processing_days (1 to 365 working days)",
        )
        parts.require(
            cls.access in dict(ACCESS_CHOICES), "access (anyone, signed_in or franceconnect)"
        )
        parts.require(isinstance(cls.processing, Processing), "processing (personal data)")
        parts.require(bool(cls.steps), "steps (at least one)")
        names = [step.name for step in cls.steps]
        parts.require(len(names) == len(set(names)), "steps (two steps with one name)")
        for step in cls.steps:
            try:
                form = step.form_class()
            except ImportError:
                parts.problems.append(f"steps ({step.name}: its form cannot be imported)")
                continue
            parts.require(hasattr(form, "base_fields"), f"steps ({step.name}: not a form class)")
        if cls.statuses is not None:
            values = {value for value, _label in cls.statuses}
            parts.require(cls.initial_status in values, "initial_status (not among statuses)")
            parts.require(
                cls.closed_statuses is not None and set(cls.closed_statuses) <= values,
                "closed_statuses (declared, among statuses)",
            )
            parts.require(
                cls.transitions is not None
                and set(cls.transitions) <= values
                and all(set(nexts) <= values for nexts in cls.transitions.values()),
                "transitions (between declared statuses)",
            )
        action_names = [action.name for action in cls.desk_actions]
        parts.require(
            len(action_names) == len(set(action_names)), "desk_actions (two with one name)"
        )
        for action in cls.desk_actions:
            parts.require(
                action.perform is not None or action.to_status is not None,
                f"desk_actions ({action.name}: neither perform nor to_status)",
            )
        if cls.model is not None:
            try:
                model = cls.get_model()
            except (LookupError, ValueError):
                model = None
            parts.require(
                model is not None
                and any(f.name == "request" and f.one_to_one for f in model._meta.get_fields()),
                "model (an installed model with a one-to-one « request » field)",
            )
        return parts.problems


def _declared_fields(form_class) -> dict:
    return dict(getattr(form_class, "base_fields", {}))


def _condition(condition):
    """formtools calls a condition with the wizard: give ours the answers by step."""

    def check(wizard):
        answers = {
            step: wizard.get_cleaned_data_for_step(step) or {}
            for step in wizard.form_list
            if step != wizard.steps.current
        }
        return bool(condition(answers))

    return check


def display_value(form_field, value) -> str:
    """How an answer reads on a summary: a choice's label, « Oui »/« Non », a French date,
    a file's name, a row's name; lists joined."""
    import datetime

    from django.db.models import Model

    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(_("Yes")) if value else str(_("No"))
    choices = dict(getattr(form_field, "choices", None) or ())
    if isinstance(value, list | tuple | set):
        return ", ".join(
            str(choices.get(item, item)) if choices else display_value(form_field, item)
            for item in value
        )
    if hasattr(value, "all") and callable(value.all):
        return ", ".join(str(item) for item in value.all())
    if choices and not isinstance(value, Model):
        try:
            return str(choices.get(value, value))
        except TypeError:
            return str(value)
    if isinstance(value, datetime.datetime):
        return date_format(value, "j F Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if hasattr(value, "name") and hasattr(value, "read"):
        return str(value.name).rsplit("/", 1)[-1]
    return str(value)
