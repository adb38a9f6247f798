"""Tenancy fails closed, proved over every commune-owned model, relation and source file.

- no commune selected: every commune-owned model's default manager raises;
- a commune selected: no model shows another commune's row;
- every foreign key and many-to-many relation between commune-owned models refuses a
  row of another commune;
- every form field that lists commune-owned rows lists the current commune's only;
- crossing communes (``.unscoped``, ``tenancy.using``/``activate``) appears only in the
  modules named below.
"""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

import ecommune
from ecommune.core import tenancy
from ecommune.core.tenancy import (
    CommuneOwned,
    CrossCommuneRelation,
    NoCommuneSelected,
    check_same_commune,
)
from ecommune.testing.rows import commune_owned_models, rows_for

pytestmark = [pytest.mark.django_db, pytest.mark.outside_commune]

SOURCE = Path(ecommune.__file__).parent

#: The modules that may read across communes with ``Model.unscoped``, and why.
UNSCOPED_ALLOWED = {
    # defines the managers
    "core/tenancy.py": "the mechanism itself",
    "core/models.py": "Commune.base_queryset(): finding the commune of a host name",
    # the national ANTS hub asks one URL for the slots of every listed commune
    "appointments/ants_hub.py": "the ANTS hub's search covers every listed commune",
    # django-scheduler's events name a calendar, not a commune
    "appointments/openings.py": "the commune of a scheduler event is its calendar's counter's",
    # files are named by their digest: a file may serve two communes' rows
    "requests/documents.py": "the purge deletes a file only when no commune's row uses it "
    "(files stored before the per-commune folders are shared by digest)",
}

#: The modules that may select a commune themselves (``tenancy.using``/``activate``):
#: the middleware for web requests, tasks and commands that walk communes.
SELECTING_ALLOWED = {
    "core/tenancy.py": "each_commune(), in_commune(): tasks and periodic jobs",
    "core/middleware.py": "the commune of each web request",
    "core/provisioning.py": "setting a new commune up",
    "demo/seed.py": "seeding the demo commune",
    "core/management/commands/ecommune_setup_commune.py": "setting a commune up",
    "services/school/management/commands/_communes.py": "commands given --commune",
    "services/elections/offers.py": "an address change offers registration in its commune",
    "cms/signals.py": "a designed procedure's new version goes on its own commune's portal",
    "testing/rows.py": "test rows of a commune",
    "testing/filing.py": "test requests filed as their commune's site files them",
    "testing/pytest_plugin.py": "the as_commune fixture",
    "testing/tasks.py": "tasks run outside the request's commune, as on a worker",
}


def _sources():
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if "/migrations/" in relative or relative.startswith("scaffold/template/"):
            continue
        yield relative, path.read_text(encoding="utf-8")


def _uses(tree, names: set[str]) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        named = (
            (isinstance(node, ast.Attribute) and node.attr in names)
            or (isinstance(node, ast.Name) and node.id in names)
            or (isinstance(node, ast.ImportFrom) and any(a.name in names for a in node.names))
        )
        if named:
            lines.append(node.lineno)
    return lines


def test_only_the_named_modules_read_across_communes():
    found = {}
    for relative, text in _sources():
        tree = ast.parse(text)
        lines = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "unscoped"
        ]
        if lines and relative not in UNSCOPED_ALLOWED:
            found[relative] = lines
    assert found == {}, (
        "Model.unscoped reads every commune's rows: serve one commune with Model.objects "
        "(the current commune) or Model.objects.for_commune(commune), or name the module "
        f"in UNSCOPED_ALLOWED with the reason. Found: {found}"
    )


def test_only_the_named_modules_select_a_commune():
    found = {}
    for relative, text in _sources():
        tree = ast.parse(text)
        lines = [
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"using", "activate"}
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "tenancy"
        ]
        lines += _uses(tree, {"using", "activate"}) if "core.tenancy import" in text else []
        if lines and relative not in SELECTING_ALLOWED:
            found[relative] = sorted(set(lines))
    assert found == {}, (
        "Selecting a commune by hand: use tenancy.in_commune for a task of one commune, "
        f"tenancy.each_commune() for a job over all, or name the module. Found: {found}"
    )


def test_the_allow_lists_name_existing_modules():
    for relative in (*UNSCOPED_ALLOWED, *SELECTING_ALLOWED):
        assert (SOURCE / relative).exists(), relative


@pytest.fixture
def rows(commune, other_commune):
    return rows_for(commune), rows_for(other_commune)


def test_every_commune_owned_model_is_walked(rows):
    mine, theirs = rows
    assert set(mine) == set(theirs) == set(commune_owned_models())
    assert len(mine) >= 30


def test_no_commune_selected_is_an_error_for_every_model(rows):
    for model in commune_owned_models():
        with pytest.raises(NoCommuneSelected):
            list(model.objects.all())
        with pytest.raises(NoCommuneSelected):
            model.objects.count()


def test_a_commune_sees_only_its_own_rows_of_every_model(rows, commune, other_commune):
    mine, theirs = rows
    for model in commune_owned_models():
        with tenancy.using(commune):
            seen = set(model.objects.values_list("pk", flat=True))
            assert mine[model].pk in seen, model
            assert theirs[model].pk not in seen, model
            assert not model.objects.filter(pk=theirs[model].pk).exists(), model
            # A queryset made before the commune was known is scoped when it runs.
        assert set(
            model.objects.for_commune(other_commune).values_list("commune_id", flat=True)
        ) == {other_commune.pk}


def test_a_queryset_built_outside_any_commune_is_scoped_when_it_runs(rows, commune, other_commune):
    mine, theirs = rows
    for model in commune_owned_models():
        queryset = model.objects.all()  # as a form's choice field is built at import
        with tenancy.using(commune):
            assert theirs[model].pk not in {row.pk for row in queryset.all()}, model
        with tenancy.using(other_commune):
            assert mine[model].pk not in {row.pk for row in queryset.all()}, model


def test_for_commune_refuses_to_cross_the_current_commune(commune, other_commune):
    with tenancy.using(commune), pytest.raises(CrossCommuneRelation):
        for model in commune_owned_models():
            model.objects.for_commune(other_commune)


def _relations(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation
        and (field.many_to_one or field.one_to_one)
        and field.name != "commune"
        and issubclass(field.related_model, CommuneOwned)
    ]


def test_every_foreign_key_refuses_another_communes_row(rows):
    mine, theirs = rows
    checked = []
    for model in commune_owned_models():
        for field in _relations(model):
            row = mine[model]
            original = getattr(row, field.attname)
            # Through the key alone (the related row is not loaded)...
            setattr(row, field.attname, theirs[field.related_model].pk)
            with pytest.raises(CrossCommuneRelation):
                check_same_commune(row)
            # ...and through the related object.
            setattr(row, field.name, theirs[field.related_model])
            with pytest.raises(CrossCommuneRelation):
                check_same_commune(row)
            setattr(row, field.attname, original)
            check_same_commune(row)
            checked.append(f"{model.__name__}.{field.name}")
    assert len(checked) >= 25, checked


def test_saving_goes_through_the_same_commune_check(rows):
    from ecommune.requests.models import Request, RequestEvent

    mine, theirs = rows
    event = mine[RequestEvent]
    event.request_id = theirs[Request].pk
    with transaction.atomic(), pytest.raises(CrossCommuneRelation):
        event.save()
    event.request = theirs[Request]
    with transaction.atomic(), pytest.raises(CrossCommuneRelation):
        event.save()


def test_every_many_to_many_relation_refuses_another_communes_rows(rows):
    mine, theirs = rows
    checked = []
    for model in commune_owned_models():
        for field in model._meta.many_to_many:
            if not issubclass(field.related_model, CommuneOwned):
                continue
            with transaction.atomic(), pytest.raises(CrossCommuneRelation):
                getattr(mine[model], field.name).add(theirs[field.related_model])
            getattr(mine[model], field.name).add(mine[field.related_model])
            checked.append(f"{model.__name__}.{field.name}")
    assert checked, "no many-to-many relation between commune-owned models was found"


def _kit_form_classes():
    """Every form class the kit defines, found by importing every module of the package."""
    for info in pkgutil.walk_packages(ecommune.__path__, "ecommune."):
        if ".migrations" in info.name or info.name.startswith("ecommune.scaffold.template"):
            continue
        if info.name.startswith(("ecommune.conf.production", "ecommune.cli")):
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:
            continue
    seen = set()
    stack = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return sorted(
        (cls for cls in seen if cls.__module__.startswith("ecommune.")),
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )


def _instantiate(form_class):
    parameters = inspect.signature(form_class.__init__).parameters
    kwargs = {}
    for name, parameter in parameters.items():
        if name in {"self", "args", "kwargs"} or parameter.kind in (
            parameter.VAR_POSITIONAL,
            parameter.VAR_KEYWORD,
        ):
            continue
        if parameter.default is inspect.Parameter.empty:
            return None
    try:
        return form_class(**kwargs)
    except TypeError:
        return None


def _viewset_form_classes():
    """The forms of the back-office viewsets the kit registers (made at run time)."""
    from django.urls import reverse
    from wagtail.admin.viewsets import viewsets
    from wagtail.admin.viewsets.model import ModelViewSet

    reverse("wagtailadmin_home")  # the admin's URLconf, hence its viewsets, is loaded
    for viewset in viewsets.viewsets:
        if isinstance(viewset, ModelViewSet) and type(viewset).__module__.startswith("ecommune."):
            for for_update in (False, True):
                try:
                    yield viewset.get_form_class(for_update=for_update)
                except ImproperlyConfigured:
                    continue  # a read-only viewset (the outbox): no form


def test_every_choice_field_of_every_form_lists_the_current_communes_rows(
    rows, commune, other_commune
):
    mine, theirs = rows
    checked = []
    with tenancy.using(commune):
        for form_class in [*_kit_form_classes(), *_viewset_form_classes()]:
            form = _instantiate(form_class)
            if form is None:
                continue
            for name, field in form.fields.items():
                queryset = getattr(field, "queryset", None)
                if queryset is None or not issubclass(queryset.model, CommuneOwned):
                    continue
                listed = {row.pk for row in queryset}
                assert theirs[queryset.model].pk not in listed, (form_class, name)
                checked.append(f"{form_class.__name__}.{name}")
    assert checked, "no form lists commune-owned rows: the walk found nothing"
