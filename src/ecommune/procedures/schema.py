"""A procedure's schema: built from its draft rows, checked, frozen in a version.

The draft is read as plain dicts (from the saved rows, or from the back office's form
and its inline formsets before anything is saved), so that one function checks both and
names the row and field of each problem: the designer shows it next to that field.

The schema (JSON, kept by ``ProcedureVersion.schema``)::

    {"slug", "title", "summary", "who_can_ask", "access", "processing_days",
     "acknowledgment_message", "purpose", "retention", "life_events", "agents_group",
     "steps": [{"name", "title", "condition": {"field", "value"} | None,
                "fields": [{"name", "kind", "label", "help", "required", "choices",
                            "file_types", "max_bytes", "condition"}]}],
     "statuses": [{"value", "label", "closes", "message"}]}
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ecommune.procedures.models import CHOICE_KINDS, BaseStatus, FileType, Kind

#: Kinds a condition cannot read (an address is three answers, a file has no value).
NO_CONDITION_ON = frozenset({Kind.ADDRESS, Kind.FILE})


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a draft: ``where`` is "procedure", "steps", "fields" or
    "statuses"; ``index`` the row's position among the given rows; ``field`` the form
    field it is shown next to."""

    where: str
    index: int | None
    field: str | None
    message: str


def split_choices(text: str) -> list[str]:
    seen, choices = set(), []
    for line in (text or "").splitlines():
        line = line.strip()
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            choices.append(line)
    return choices


def field_name(row: dict) -> str:
    return (row.get("name") or slugify(row.get("label") or "")[:50]).strip("-")


def kit_upload_limit() -> int:
    return settings.ECOMMUNE_UPLOAD_MAX_BYTES


def matches(field: dict, answer, wanted: str) -> bool:
    """Whether ``answer`` to ``field`` is the ``wanted`` value of a condition."""
    wanted = (wanted or "").strip().casefold()
    if field["kind"] == Kind.YES_NO:
        wanted = {"oui": "yes", "non": "no"}.get(wanted, wanted)
    if isinstance(answer, list | tuple):
        return any(str(item).casefold() == wanted for item in answer)
    if answer is None:
        return False
    return str(answer).strip().casefold() == wanted


def check(procedure: dict, steps: list[dict], fields: list[dict], statuses: list[dict]):
    """The problems of a draft (an empty list: it may be published). ``steps``, ``fields``
    and ``statuses`` are the rows in their order, each a dict with its ``index`` (its
    position in the form, for the problem to be shown there)."""
    problems: list[Problem] = []

    def problem(where, row, name, message):
        problems.append(Problem(where, None if row is None else row["index"], name, message))

    days = procedure.get("processing_days")
    if days is not None and not 1 <= days <= 365:
        problem("procedure", None, "processing_days", _("Give a delay from 1 to 365 working days."))
    if not steps:
        problem("procedure", None, None, _("Add at least one step."))
    # Where each field stands: (step number, position in the step).
    position: dict[str, tuple[int, int]] = {}
    by_name: dict[str, dict] = {}
    counts = dict.fromkeys(range(1, len(steps) + 1), 0)
    limit_mb = kit_upload_limit() // (1024 * 1024)
    all_names = {field_name(row) for row in fields}
    for row in fields:
        name = field_name(row)
        step = row.get("step") or 0
        if not name:
            problem("fields", row, "name", _("Give this field a name (letters and digits)."))
        elif name in by_name:
            problem(
                "fields",
                row,
                "name",
                _("Two fields are named « %(name)s »: give each field its own name.")
                % {"name": name},
            )
        if step not in counts:
            problem(
                "fields",
                row,
                "step",
                _("There is no step %(number)s: give a number from 1 to %(last)s.")
                % {"number": step, "last": len(steps) or 1},
            )
        else:
            counts[step] += 1
        kind = row.get("kind")
        if kind in CHOICE_KINDS and len(split_choices(row.get("choices", ""))) < 2:
            problem("fields", row, "choices", _("Give at least two choices, one per line."))
        if kind in CHOICE_KINDS and any(
            len(choice) > 200 for choice in split_choices(row.get("choices", ""))
        ):
            problem("fields", row, "choices", _("A choice has at most 200 characters."))
        if kind == Kind.FILE:
            types = row.get("file_types") or []
            allowed = set(FileType.values)
            if not types:
                problem("fields", row, "file_types", _("Choose the accepted file types."))
            elif not set(types) <= allowed:
                problem(
                    "fields",
                    row,
                    "file_types",
                    _("The kit accepts only PDF, JPEG and PNG files."),
                )
            size = row.get("max_megabytes")
            if size and size > limit_mb:
                problem(
                    "fields",
                    row,
                    "max_megabytes",
                    _("The kit accepts files of at most %(limit)s MB.") % {"limit": limit_mb},
                )
        _check_condition(
            row, by_name, position, step, "fields", problem, same_step=True, names=all_names
        )
        if name and name not in by_name:
            by_name[name] = {**row, "name": name}
            position[name] = (step, len(position))
    for number, row in enumerate(steps, start=1):
        if counts.get(number, 0) == 0:
            problem("steps", row, "title", _("This step has no field: add one or remove it."))
        _check_condition(
            row, by_name, position, number, "steps", problem, same_step=False, names=all_names
        )
    seen_statuses = set()
    for row in statuses:
        status = row.get("status")
        if status == BaseStatus.EXTRA:
            if not (row.get("label") or "").strip():
                problem("statuses", row, "label", _("Give the name of this status."))
            key = ("extra", (row.get("label") or "").strip().casefold())
        else:
            key = status
        if key in seen_statuses:
            problem("statuses", row, "status", _("This status is already in the list."))
        seen_statuses.add(key)
    return problems


def _check_condition(row, by_name, position, step, where, problem, *, same_step, names=()):
    source = (row.get("condition_field") or "").strip()
    value = (row.get("condition_value") or "").strip()
    if not source and not value:
        return
    if not source:
        problem(where, row, "condition_field", _("Name the field this condition reads."))
        return
    if source not in by_name and source in names:
        problem(
            where,
            row,
            "condition_field",
            _("The field « %(name)s » comes later: a condition reads an earlier field.")
            % {"name": source},
        )
        return
    if source not in by_name:
        problem(
            where,
            row,
            "condition_field",
            _("No field named « %(name)s » comes before: a condition reads an earlier field.")
            % {"name": source},
        )
        return
    source_step = position[source][0]
    if source_step > step or (not same_step and source_step == step):
        problem(
            where,
            row,
            "condition_field",
            _("The field « %(name)s » comes later: a condition reads an earlier field.")
            % {"name": source},
        )
        return
    target = by_name[source]
    if target.get("kind") in NO_CONDITION_ON:
        problem(where, row, "condition_field", _("A condition cannot read an address or a file."))
        return
    if not value:
        problem(where, row, "condition_value", _("Give the answer that shows it."))
        return
    kind = target.get("kind")
    if kind in CHOICE_KINDS:
        choices = [choice.casefold() for choice in split_choices(target.get("choices", ""))]
        if value.casefold() not in choices:
            problem(
                where,
                row,
                "condition_value",
                _("« %(value)s » is not one of the choices of « %(name)s ».")
                % {"value": value, "name": source},
            )
    if kind == Kind.YES_NO and value.casefold() not in ("oui", "non", "yes", "no"):
        problem(where, row, "condition_value", _("Write « Oui » or « Non »."))


def _condition(row) -> dict | None:
    source = (row.get("condition_field") or "").strip()
    return {"field": source, "value": row["condition_value"].strip()} if source else None


def status_value(row: dict) -> str:
    if row["status"] != BaseStatus.EXTRA:
        return row["status"]
    return ("x-" + slugify(row["label"]))[:40]


def build(procedure: dict, steps: list[dict], fields: list[dict], statuses: list[dict]) -> dict:
    """The schema of a draft that ``check`` found right."""
    limit = kit_upload_limit()
    schema_steps = [
        {
            "name": f"etape-{number}",
            "title": row["title"],
            "condition": _condition(row),
            "fields": [],
        }
        for number, row in enumerate(steps, start=1)
    ]
    for row in fields:
        kind = row["kind"]
        megabytes = row.get("max_megabytes")
        schema_steps[row["step"] - 1]["fields"].append(
            {
                "name": field_name(row),
                "kind": kind,
                "label": row["label"],
                "help": row.get("help_text") or "",
                "required": bool(row.get("required")),
                "choices": split_choices(row.get("choices", "")) if kind in CHOICE_KINDS else [],
                "file_types": sorted(row.get("file_types") or []) if kind == Kind.FILE else [],
                "max_bytes": min(limit, megabytes * 1024 * 1024) if megabytes else limit,
                "condition": _condition(row),
            }
        )
    return {
        "slug": procedure["slug"],
        "title": procedure["title"],
        "summary": procedure["summary"],
        "who_can_ask": procedure.get("who_can_ask") or "",
        "access": procedure["access"],
        "processing_days": procedure["processing_days"],
        "acknowledgment_message": procedure.get("acknowledgment_message") or "",
        "purpose": procedure["purpose"],
        "retention": procedure["retention"],
        "life_events": list(procedure.get("life_events") or []),
        "agents_group": procedure.get("agents_group"),
        "steps": schema_steps,
        "statuses": [
            {
                "value": status_value(row),
                "label": (row.get("label") or "").strip(),
                "closes": bool(row.get("closes")),
                "message": row.get("message") or "",
            }
            for row in statuses
        ],
    }


PROCEDURE_KEYS = (
    "slug",
    "title",
    "summary",
    "who_can_ask",
    "access",
    "processing_days",
    "acknowledgment_message",
    "purpose",
    "retention",
    "life_events",
)
STEP_KEYS = ("title", "condition_field", "condition_value")
FIELD_KEYS = (
    "step",
    "kind",
    "label",
    "name",
    "help_text",
    "required",
    "choices",
    "file_types",
    "max_megabytes",
    "condition_field",
    "condition_value",
)
STATUS_KEYS = ("status", "label", "closes", "message")


def rows_of(procedure):
    """The draft of a saved procedure, as ``check`` and ``build`` read it."""
    head = {key: getattr(procedure, key) for key in PROCEDURE_KEYS}
    head["agents_group"] = procedure.agents_group_id

    def listed(rows, keys):
        return [
            {"index": index, **{key: getattr(row, key) for key in keys}}
            for index, row in enumerate(rows)
        ]

    return (
        head,
        listed(procedure.steps.all(), STEP_KEYS),
        listed(procedure.fields.all(), FIELD_KEYS),
        listed(procedure.statuses.all(), STATUS_KEYS),
    )


def schema_of(procedure) -> dict:
    """The schema of a saved procedure's draft (``ValueError`` naming the problems)."""
    draft = rows_of(procedure)
    problems = check(*draft)
    if problems:
        raise ValueError("; ".join(p.message for p in problems))
    return build(*draft)
