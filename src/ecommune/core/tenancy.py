"""One install, many communes: the single mechanism that scopes data to a commune.

The current commune lives in a context variable set by
``CurrentCommuneMiddleware`` for every web request (and by ``using()`` in
commands and tasks). Models that belong to a commune inherit ``CommuneOwned``:
their default manager filters on the current commune, so views, forms'
choice fields and the admin never need a hand-written ``filter(commune=…)``.
Outside any commune (migrations, the shell, a cross-commune command) the
default manager is unscoped; ``unscoped`` says so explicitly where a request
really must see every commune.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.utils.translation import gettext_lazy as _

_current_commune: ContextVar = ContextVar("ecommune_current_commune", default=None)


def get_current_commune():
    """The commune whose data the running request or task may see, or None."""
    return _current_commune.get()


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


class CommuneScopedManager(models.Manager):
    """Default manager of commune-owned rows: only the current commune's."""

    def get_queryset(self):
        queryset = super().get_queryset()
        commune = get_current_commune()
        if commune is not None:
            queryset = queryset.filter(commune=commune)
        return queryset


class CurrentCommuneManager(models.Manager):
    """Default manager of ``Commune`` itself: inside a commune, only that commune."""

    def get_queryset(self):
        queryset = super().get_queryset()
        commune = get_current_commune()
        if commune is not None:
            queryset = queryset.filter(pk=commune.pk)
        return queryset


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
    unscoped = models.Manager()  # noqa: DJ012  (a manager, not a field)

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
        super().save(*args, **kwargs)
