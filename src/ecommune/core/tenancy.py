"""One install, many communes: the single mechanism that scopes data to a commune.

The current commune lives in a context variable set by ``CurrentCommuneMiddleware``
for every web request and by ``using()`` in commands and tasks. Models that belong to
a commune inherit ``CommuneOwned``, and tenancy fails closed:

- ``Model.objects`` reads the current commune's rows only, and raises
  ``NoCommuneSelected`` when no commune is current. The commune is read when the SQL
  is compiled, not when the queryset is built, so a queryset made at import time (a
  form's choice field, a model form's foreign key) lists the rows of the commune that
  serves the request it is shown in.
- ``Model.objects.for_commune(c)`` is the one explicit form for code that serves a
  given commune outside a request (a task, a command); it refuses to cross the commune
  a request already serves.
- ``Model.unscoped`` crosses communes. Only the modules named in
  ``tests/test_tenancy_boundaries.py`` may use it.
- Saving a row whose foreign key points at another commune's row is refused
  (``CrossCommuneRelation``), for every foreign key and many-to-many relation between
  commune-owned models.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models.expressions import Expression
from django.db.models.signals import m2m_changed
from django.http import Http404
from django.utils.translation import gettext_lazy as _

_current_commune: ContextVar = ContextVar("ecommune_current_commune", default=None)


class NoCommuneSelected(RuntimeError):
    """Commune-owned rows were read with no commune current: a bug, never « all communes »."""


class CrossCommuneRelation(ValueError):
    """A commune-owned row would point at, or be read for, another commune's row."""


def get_current_commune():
    """The commune whose data the running request or task may see, or None."""
    return _current_commune.get()


def require_current_commune():
    commune = _current_commune.get()
    if commune is None:
        raise NoCommuneSelected(
            "Commune-owned rows were read with no commune selected: run the code inside "
            "tenancy.using(commune), or use Model.objects.for_commune(commune)."
        )
    return commune


def require_commune(request):
    """The commune a web request serves (set by ``CurrentCommuneMiddleware``), for views.

    A host that no commune serves, or a back-office user who works for none, gets a 404:
    a view never falls back to « every commune »."""
    commune = getattr(request, "commune", None) or get_current_commune()
    if commune is None:
        raise Http404
    return commune


def activate(commune):
    """Make ``commune`` current; returns a token for ``deactivate``."""
    return _current_commune.set(commune)


def deactivate(token) -> None:
    _current_commune.reset(token)


@contextmanager
def using(commune):
    """Run a block as ``commune``: ``with using(commune): Model.objects.all()``."""
    token = activate(commune)
    try:
        yield commune
    finally:
        deactivate(token)


def each_commune(queryset=None):
    """Yield every commune (or those of ``queryset``), each one current while the loop body
    runs: periodic jobs walk the communes this way instead of reading across them."""
    from ecommune.core.models import Commune

    communes = Commune.base_queryset() if queryset is None else queryset
    for commune in communes.select_related("site").order_by("pk"):
        with using(commune):
            yield commune


def in_commune(function):
    """For a task or job that serves one commune: the wrapped function takes the commune's
    key as its first argument and runs with that commune current, as a web request would.
    ``@task() @in_commune def send(message_id)`` is enqueued as ``send.enqueue(commune_id,
    message_id)``."""

    @functools.wraps(function)
    def wrapper(commune_id, *args, **kwargs):
        from ecommune.core.models import Commune

        with using(Commune.base_queryset().get(pk=commune_id)):
            return function(*args, **kwargs)

    return wrapper


def _pk(commune_or_pk):
    return getattr(commune_or_pk, "pk", commune_or_pk)


class CurrentCommuneId(Expression):
    """The current commune's key, read when the SQL is compiled (fails closed without one)."""

    output_field = models.IntegerField()

    def as_sql(self, compiler, connection):
        return "%s", [require_current_commune().pk]


class CommuneQuerySet(models.QuerySet):
    """A queryset that remembers the commune ``for_commune`` bound it to, so that rows it
    creates belong to that commune even when no commune is current."""

    _bound_commune = None

    def _clone(self):
        clone = super()._clone()
        clone._bound_commune = self._bound_commune
        return clone

    def _fill_commune(self, obj):
        if self._bound_commune is not None and obj.commune_id is None:
            obj.commune_id = _pk(self._bound_commune)

    def create(self, **kwargs):
        if self._bound_commune is not None and "commune" not in kwargs:
            kwargs.setdefault("commune_id", _pk(self._bound_commune))
        return super().create(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        current = get_current_commune()
        for obj in objs:
            self._fill_commune(obj)
            if obj.commune_id is None and current is not None:
                obj.commune_id = current.pk
            if obj.commune_id is None:
                raise ValueError(f"{type(obj).__name__} belongs to a commune: set .commune.")
        return super().bulk_create(objs, *args, **kwargs)


class CommuneScopedManager(models.Manager.from_queryset(CommuneQuerySet)):
    """Default manager of commune-owned rows: the current commune's, or an error."""

    def get_queryset(self):
        return super().get_queryset().filter(commune_id=CurrentCommuneId())

    def for_commune(self, commune):
        """The rows of ``commune`` (a Commune or its key), whether or not a commune is
        current; inside a request for another commune it raises ``CrossCommuneRelation``."""
        if commune is None:
            raise NoCommuneSelected(f"{self.model.__name__}.objects.for_commune(None)")
        current = get_current_commune()
        if current is not None and current.pk != _pk(commune):
            raise CrossCommuneRelation(
                f"{self.model.__name__}: commune {_pk(commune)} asked for while commune "
                f"{current.pk} is current."
            )
        queryset = super().get_queryset().filter(commune_id=_pk(commune))
        queryset._bound_commune = commune
        return queryset


class CurrentCommuneManager(models.Manager):
    """Default manager of ``Commune`` itself: inside a commune, only that commune."""

    def get_queryset(self):
        queryset = super().get_queryset()
        commune = get_current_commune()
        if commune is not None:
            queryset = queryset.filter(pk=commune.pk)
        return queryset


def _commune_owned_relations(model):
    """The foreign keys (one-to-one included) of ``model`` that point at commune-owned rows."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation
        and field.many_to_one | field.one_to_one
        and field.name != "commune"
        and issubclass(field.related_model, CommuneOwned)
    ]


def check_same_commune(instance) -> None:
    """Refuse a row that points at another commune's row (one query per uncached relation)."""
    for field in _commune_owned_relations(type(instance)):
        target_id = getattr(instance, field.attname)
        if target_id is None:
            continue
        if field.is_cached(instance):
            target = field.get_cached_value(instance)
            target_commune = target.commune_id if target is not None else None
        else:
            target_commune = (
                field.related_model._base_manager.filter(**{field.target_field.name: target_id})
                .values_list("commune_id", flat=True)
                .first()
            )
        if target_commune is not None and target_commune != instance.commune_id:
            raise CrossCommuneRelation(
                f"{type(instance).__name__}.{field.name} points at a row of another commune."
            )


class CommuneOwned(models.Model):
    """Abstract base for every row that belongs to one commune."""

    commune = models.ForeignKey(
        "ecommune_core.Commune",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("commune"),
        editable=False,
    )

    objects = CommuneScopedManager()
    unscoped = CommuneQuerySet.as_manager()  # noqa: DJ012  (a manager, not a field)

    # Wagtail's reference index is one table for the whole install, kept up to date by a
    # task that knows no commune: residents' rows stay out of it (their « usage » listing
    # would cross communes, and the task could not read them).
    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.commune_id is None:
            commune = get_current_commune()
            if commune is None:
                raise ValueError(
                    f"{type(self).__name__} belongs to a commune: set .commune or save it "
                    "inside tenancy.using(commune)."
                )
            self.commune = commune
        check_same_commune(self)
        super().save(*args, **kwargs)


def _refuse_cross_commune_links(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Many-to-many links between commune-owned rows stay inside one commune."""
    if action != "pre_add" or not pk_set:
        return
    if not (isinstance(instance, CommuneOwned) and issubclass(model, CommuneOwned)):
        return
    communes = set(model._base_manager.filter(pk__in=pk_set).values_list("commune_id", flat=True))
    if communes - {instance.commune_id}:
        raise CrossCommuneRelation(
            f"{type(instance).__name__} linked to {model.__name__} rows of another commune."
        )


m2m_changed.connect(_refuse_cross_commune_links, dispatch_uid="ecommune_same_commune_m2m")
