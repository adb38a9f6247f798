"""Drafts: a signed-in resident's unfinished wizard, kept in the database.

formtools keeps a wizard's answers in the session, which ends with the browser or the
sign-out. For a signed-in resident, each step sent also saves the wizard's storage as a
``Draft`` (one per service and resident): « Mon espace » lists it, and resuming it puts
it back in the session on any device, at the step where they left. Filing the request
deletes the draft; so does the resident, and the daily purge after
``ECOMMUNE_DRAFT_RETENTION_DAYS`` without a change, files included.

A draft remembers the steps and fields of the wizard it was saved from (its
fingerprint). When the procedure changed since (a designed procedure's new version, a
kit upgrade), resuming keeps the answers of the steps and fields that still exist,
drops the others, and says so.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ecommune.core.tenancy import each_commune
from ecommune.requests import wizard_files
from ecommune.requests.models import Draft


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ECOMMUNE_DRAFT_RETENTION_DAYS)


def field_names(form_class) -> list[str]:
    """A step's fields: its form's ``base_fields``, and those a form builds when made
    (``declared_field_names``, as a designed procedure's step does)."""
    declared = getattr(form_class, "declared_field_names", None)
    return sorted({*form_class.base_fields, *(declared() if declared else ())})


def fingerprint(form_list: dict) -> str:
    """The wizard's steps and each step's fields, as a digest."""
    shape = [[step, field_names(form_class)] for step, form_class in form_list.items()]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()


def keep(wizard) -> None:
    """Save the wizard's storage as the resident's draft of this service (after each step
    sent). Anonymous visitors keep their session only."""
    user = wizard.request.user
    if not wizard.keeps_drafts or not user.is_authenticated or wizard.filed is not None:
        return
    data = wizard.storage.data
    if not data.get(wizard.storage.step_data_key):
        return
    Draft.objects.update_or_create(
        owner=user,
        service=wizard.service.slug,
        defaults={
            "title": str(wizard.service.title)[:200],
            "fingerprint": fingerprint(wizard.form_list),
            "data": data,
        },
    )


def forget(wizard) -> None:
    """The request is filed: its draft goes (its files went with the filing)."""
    user = wizard.request.user
    if wizard.keeps_drafts and user.is_authenticated:
        Draft.objects.filter(owner=user, service=wizard.service.slug).delete()


def _field_keys(step: str, form_class) -> tuple[str, ...]:
    return tuple(f"{step}-{name}" for name in field_names(form_class))


def _still_applies(key: str, known: tuple[str, ...]) -> bool:
    """A posted key belongs to a field that still exists: the field's own name, or one of
    its parts (``date_0``, ``piece_kept``)."""
    return any(key == name or key.startswith(name + "_") for name in known)


def restorable(draft: Draft, form_list: dict) -> tuple[dict, bool]:
    """The storage to put back in the session, and whether the procedure changed since
    the draft was saved (then only what still applies is kept)."""
    data = json.loads(json.dumps(draft.data))
    if draft.fingerprint == fingerprint(form_list):
        return data, False
    step_data, step_files = data.get("step_data", {}), data.get("step_files", {})
    kept_data, kept_files = {}, {}
    for step, form_class in form_list.items():
        known = _field_keys(step, form_class)
        answers = {k: v for k, v in step_data.get(step, {}).items() if _still_applies(k, known)}
        if answers:
            kept_data[step] = answers
        files = {k: v for k, v in step_files.get(step, {}).items() if _still_applies(k, known)}
        if files:
            kept_files[step] = files
    data["step_data"], data["step_files"] = kept_data, kept_files
    if data.get("step") not in form_list:
        data["step"] = next(iter(form_list))
    return data, True


def _files_of(data: dict) -> list[str]:
    return [
        stored["tmp_name"]
        for files in data.get("step_files", {}).values()
        for stored in files.values()
        if stored.get("tmp_name")
    ]


def delete(draft: Draft) -> None:
    """Delete a draft and the files its steps received."""
    names = _files_of(draft.data)
    draft.delete()
    transaction.on_commit(lambda: [wizard_files.storage.delete(name) for name in names])


def files_in_drafts() -> set[str]:
    """The wizard files a draft still holds: the purge of abandoned wizards spares them."""
    names = set()
    for _commune in each_commune():
        for data in Draft.objects.values_list("data", flat=True).iterator():
            names.update(_files_of(data))
    return names


def purge_old_drafts(now: datetime.datetime | None = None) -> int:
    """Delete the drafts unchanged for ``ECOMMUNE_DRAFT_RETENTION_DAYS``, with their files;
    returns how many."""
    limit = (now or timezone.now()) - retention()
    count = 0
    for _commune in each_commune():
        for draft in Draft.objects.filter(updated_at__lte=limit).iterator():
            delete(draft)
            count += 1
    return count
