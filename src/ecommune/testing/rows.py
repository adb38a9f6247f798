"""One row of every commune-owned model, for tests that walk them all.

``rows_for(commune)`` makes (with model_bakery) a row of each model that inherits
``CommuneOwned``, every foreign key pointing at a row of the same commune, so a test can
ask « for every model and every relation, does the boundary hold? » and a model added
tomorrow is walked the day it is added.
"""

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models
from model_bakery import baker

from ecommune.core import tenancy
from ecommune.core.tenancy import CommuneOwned

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def commune_owned_models() -> list[type[models.Model]]:
    """Every concrete model that belongs to a commune, in a stable order."""
    return sorted(
        (
            model
            for model in apps.get_models()
            if issubclass(model, CommuneOwned) and not model._meta.abstract
        ),
        key=lambda model: model._meta.label,
    )


def _required_relations(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation
        and (field.many_to_one or field.one_to_one)
        and field.name != "commune"
        and issubclass(field.related_model, CommuneOwned)
    ]


def _make(model, made: dict, commune):
    if model in made:
        return made[model]
    values = {"commune": commune}
    for field in _required_relations(model):
        if field.related_model is model:
            continue  # a row pointing at its own kind (a credit note's invoice): left empty
        values[field.name] = _make(field.related_model, made, commune)
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField):
            values[field.name] = ContentFile(PDF, name="piece.pdf")
    row = baker.make(model, _fill_optional=False, **values)
    made[model] = row
    return row


def rows_for(commune) -> dict[type[models.Model], models.Model]:
    """A saved row of every commune-owned model in ``commune``, related rows included."""
    made: dict = {}
    with tenancy.using(commune):
        for model in commune_owned_models():
            _make(model, made, commune)
    return made
