"""A designed procedure's published version as a ``Service`` class, and the registry's
source that finds the current commune's.

``service_for(version)`` builds (once per version: a version never changes) a subclass of
``DesignedService`` whose attributes come from the schema; the engine then treats it as
any coded service: the wizard, filing, the acknowledgment and its date, the inbox, the
desk actions, the survey, the register. ``source`` is what ``ecommune.core.registry``
asks for the slugs it does not know: the latest published version of each procedure of
the current commune that is not archived; and, for a filed request, the version it was
filed with.
"""

import contextlib
import datetime
import logging
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from ecommune.core.services import Processing, Service, Step, display_value
from ecommune.core.tenancy import get_current_commune
from ecommune.procedures.forms import ADDRESS_PARTS, YES_NO, form_field, step_form
from ecommune.procedures.models import BaseStatus, Kind, ProcedureAnswer, ProcedureVersion
from ecommune.procedures.schema import matches
from ecommune.requests.statuses import CLOSED_STATUSES, Status

logger = logging.getLogger(__name__)


class DesignedService(Service):
    """The ``Service`` of a designed procedure's version (``service_for`` fills it in)."""

    designed = True
    forms_take_earlier_answers = True
    order = 500
    model = "ecommune_procedures.ProcedureAnswer"
    schema: dict = {}
    version_id: int | None = None
    version_number: int = 0
    procedure_id: int | None = None
    messages: dict = {}

    @classmethod
    def by_name(cls) -> dict:
        return {spec["name"]: spec for step in cls.schema["steps"] for spec in step["fields"]}

    @classmethod
    def version_label(cls) -> str:
        if not cls.version_number:
            return str(_("Preview of the draft"))
        return str(_("Version %(number)s of the procedure") % {"number": cls.version_number})

    @classmethod
    def step_conditions(cls) -> dict:
        """formtools' conditions, read from the wizard's stored answers as sent (a choice's
        value is the same sent or cleaned): reading the cleaned answers would build the
        forms, whose list depends on these very conditions."""
        by_name = cls.by_name()
        where = {
            spec["name"]: step["name"] for step in cls.schema["steps"] for spec in step["fields"]
        }
        conditions = {}
        for step in cls.schema["steps"]:
            condition = step["condition"]
            if condition:
                conditions[step["name"]] = _raw_condition(
                    condition, by_name[condition["field"]], where[condition["field"]]
                )
        return conditions

    @classmethod
    def resident_message(cls, status: str) -> str:
        return cls.messages.get(status, "")

    @classmethod
    def summary_rows(cls, data: dict) -> list[tuple[str, str]]:
        rows = []
        for step in cls.schema["steps"]:
            answers = data.get(step["name"]) or {}
            for spec in step["fields"]:
                value = answer_text(spec, answers)
                if value != "":
                    rows.append((spec["label"], value))
        return rows

    @classmethod
    def save(cls, request, data: dict) -> None:
        answers = {
            step["name"]: stored_answers(step, data.get(step["name"]) or {})
            for step in cls.schema["steps"]
        }
        ProcedureAnswer(
            commune_id=request.commune_id,
            request=request,
            version_id=cls.version_id,
            answers=answers,
        ).save()

    @classmethod
    def stored_data(cls, request) -> dict:
        row = cls.typed_row(request)
        if row is None:
            return {}
        return {
            step["name"]: read_answers(step, row.answers.get(step["name"]) or {})
            for step in cls.schema["steps"]
        }


def stored_answers(step: dict, cleaned: dict) -> dict:
    """A step's cleaned answers as JSON: dates in ISO, numbers as text, files by name."""
    kept = {}
    for spec in step["fields"]:
        name = spec["name"]
        if spec["kind"] == Kind.ADDRESS:
            parts = {part: cleaned.get(f"{name}__{part}", "") for part in ADDRESS_PARTS}
            if any(parts.values()):
                kept[name] = parts
            continue
        if name not in cleaned or cleaned[name] in (None, "", []):
            continue
        value = cleaned[name]
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif hasattr(value, "read"):
            value = display_value(None, value)
        elif isinstance(value, str):
            value = value.strip()
        kept[name] = value
    return kept


def read_answers(step: dict, stored: dict) -> dict:
    """A step's stored answers back as the form gives them (address in its parts)."""
    read = {}
    for spec in step["fields"]:
        name = spec["name"]
        if name not in stored:
            continue
        value = stored[name]
        if spec["kind"] == Kind.ADDRESS and isinstance(value, dict):
            for part in ADDRESS_PARTS:
                read[f"{name}__{part}"] = value.get(part, "")
            continue
        if spec["kind"] == Kind.DATE:
            with contextlib.suppress(TypeError, ValueError):
                value = datetime.date.fromisoformat(value)
        if spec["kind"] == Kind.NUMBER:
            with contextlib.suppress(InvalidOperation, TypeError):
                value = Decimal(value)
        read[name] = value
    return read


def answer_text(spec: dict, answers: dict) -> str:
    """How one answer reads on the summary and in the back office."""
    name = spec["name"]
    if spec["kind"] == Kind.ADDRESS:
        street = answers.get(f"{name}__street", "")
        town = " ".join(
            part
            for part in (answers.get(f"{name}__postal_code"), answers.get(f"{name}__city"))
            if part
        )
        return ", ".join(part for part in (street, town) if part)
    if name not in answers:
        return ""
    value = answers[name]
    if spec["kind"] == Kind.YES_NO:
        return str(dict(YES_NO).get(value, value))
    if spec["kind"] == Kind.NUMBER and value not in (None, ""):
        from django.utils.formats import number_format

        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError):
            return str(value)
        return number_format(number.normalize() if number == number.to_integral() else number)
    if spec["kind"] == Kind.FILE and isinstance(value, str):
        return value
    field = next(iter(form_field(spec, required=False).values()))
    return display_value(field, value)


def statuses_of(schema: dict):
    """(statuses, transitions, closed) of a schema; None when it keeps the engine's."""
    rows = schema.get("statuses") or []
    if not rows:
        return None, None, None
    labels = dict(Status.choices)
    statuses = [(Status.SUBMITTED.value, labels[Status.SUBMITTED])]
    closed = set()
    for row in rows:
        value = row["value"]
        if value.startswith("x-"):
            statuses.append((value, row["label"]))
            if row["closes"]:
                closed.add(value)
        else:
            statuses.append((value, labels.get(value, value)))
            if value in CLOSED_STATUSES:
                closed.add(value)
    values = [value for value, _label in statuses]
    # From any open status, an agent may go to any other status of the procedure.
    transitions = {
        value: tuple(other for other in values if other not in (value, Status.SUBMITTED))
        if value not in closed
        else ()
        for value in values
    }
    return tuple(statuses), transitions, frozenset(closed)


_classes: dict[tuple, type] = {}


def service_for(version: ProcedureVersion) -> type | None:
    """The ``Service`` class of ``version`` (built once: a version never changes); None,
    logged, for a schema that cannot make one (only ``publish_procedure`` writes
    versions, after checking them: a row written otherwise is ignored)."""
    # The key holds more than the row's id: a database restored or flushed (the tests)
    # may give an id again to another version.
    key = (version.pk, version.commune_id, version.procedure_id, version.published_at)
    found = _classes.get(key)
    if found is None:
        try:
            found = build_service(version.schema, version)
        except (KeyError, TypeError, ValueError, AttributeError):
            logger.error("The version %s of a designed procedure has a broken schema.", version.pk)
            return None
        _classes[key] = found
    return found


def build_service(schema: dict, version=None) -> type:
    """A ``DesignedService`` subclass from ``schema`` (``version`` None: a preview)."""
    by_name = {spec["name"]: spec for step in schema["steps"] for spec in step["fields"]}
    steps = tuple(
        Step(
            name=step["name"],
            form=step_form(step, by_name),
            title=step["title"],
            condition=_step_condition(step["condition"], by_name),
        )
        for step in schema["steps"]
    )
    statuses, transitions, closed = statuses_of(schema)
    messages = {
        row["value"]: row["message"] for row in schema.get("statuses") or [] if row["message"]
    }
    if schema.get("acknowledgment_message"):
        messages[Status.SUBMITTED.value] = schema["acknowledgment_message"]
    attributes = {
        "slug": schema["slug"],
        "title": schema["title"],
        "summary": schema["summary"],
        "who_can_ask": schema.get("who_can_ask", ""),
        "access": schema["access"],
        "processing_days": schema["processing_days"],
        "what_next": schema.get("acknowledgment_message") or Service.what_next,
        "steps": steps,
        "statuses": statuses,
        "transitions": transitions,
        "closed_statuses": closed,
        "processing": Processing(purpose=schema["purpose"], retention=schema["retention"]),
        "life_events": tuple(schema.get("life_events") or ()),
        "schema": schema,
        "messages": messages,
        "version_id": version.pk if version else None,
        "version_number": version.number if version else 0,
        "procedure_id": version.procedure_id if version else None,
        "__module__": __name__,
        "__doc__": f"Designed procedure « {schema['title']} ».",
    }
    if statuses and BaseStatus.WAITING_RESIDENT.value not in dict(statuses):
        attributes["waiting_status"] = None
    name = f"Designed_{schema['slug'].replace('-', '_')}_v{attributes['version_number']}"
    return type(name, (DesignedService,), attributes)


def _raw_condition(condition, source, source_step):
    def shown(wizard) -> bool:
        data = wizard.storage.get_step_data(source_step)
        if data is None:
            return False
        key = f"{source_step}-{source['name']}"
        values = data.getlist(key) if hasattr(data, "getlist") else data.get(key)
        answer = values if source["kind"] == Kind.CHECKBOXES else (values or [""])[-1]
        return matches(source, answer, condition["value"])

    return shown


def _step_condition(condition, by_name):
    if not condition:
        return None
    source = by_name[condition["field"]]

    def shown(answers: dict) -> bool:
        for step_answers in answers.values():
            if condition["field"] in step_answers:
                return matches(source, step_answers[condition["field"]], condition["value"])
        return False

    return shown


def earlier_answers(wizard, step: str) -> dict:
    """The answers of the steps before ``step`` in ``wizard``, by field name."""
    answers = {}
    for name in wizard.form_list:
        if name == step:
            break
        answers.update(wizard.get_cleaned_data_for_step(name) or {})
    return answers


class DesignedSource:
    """What the service registry asks about services kept in the database."""

    def versions(self, commune, slug=None):
        queryset = ProcedureVersion.objects.for_commune(commune).filter(procedure__archived=False)
        if slug is not None:
            queryset = queryset.filter(procedure__slug=slug)
        latest = {}
        for version in queryset.order_by("procedure_id", "-number"):
            latest.setdefault(version.procedure_id, version)
        return list(latest.values())

    def services(self) -> list:
        commune = get_current_commune()
        if commune is None:
            return []
        found = (service_for(version) for version in self.versions(commune))
        return [service for service in found if service is not None]

    def get(self, slug: str):
        commune = get_current_commune()
        if commune is None:
            return None
        found = self.versions(commune, slug)
        return service_for(found[0]) if found else None

    def for_request(self, request):
        answer = (
            ProcedureAnswer.objects.for_commune(request.commune_id)
            .filter(request_id=request.pk)
            .select_related("version")
            .first()
            if request.pk
            else None
        )
        return service_for(answer.version) if answer is not None else None


source = DesignedSource()

#: Said on the acknowledgment when the designer wrote nothing.
DEFAULT_WHAT_NEXT = _("An agent of the town hall will read your request and answer you.")
