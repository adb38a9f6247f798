"""One registry class for every kind of plug-in: services, notification events, account
exporters (and whatever kind comes next).

A plug-in registers at import time under a key; a second plug-in claiming the same key is
refused then, naming both, never at the first resident's visit. Iteration follows the
kind's order. Open Forms' generic ``Registry`` shows the pattern.
"""

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class DuplicatePlugin(ImproperlyConfigured):
    """Two plug-ins of one kind claimed the same key (or a reserved one)."""


class Registry(Generic[T]):
    """Plug-ins of one ``kind`` by key.

    ``key`` reads a plug-in's key (``lambda service: service.slug``); ``order`` sorts them
    for iteration (in the order they registered when not given); ``reserved`` keys may
    never be taken."""

    def __init__(
        self,
        kind: str,
        *,
        key: Callable[[T], str] | None = None,
        order: Callable[[T], object] | None = None,
        reserved: tuple[str, ...] = (),
    ):
        self.kind = kind
        self._key = key
        self._order = order
        self._reserved = set(reserved)
        self._items: dict[str, T] = {}

    def register(self, item: T | str | None = None):
        """``registry.register(plugin)``, ``@registry.register`` on a class, or
        ``@registry.register("name")`` on a function that has no key of its own."""
        if isinstance(item, str):
            name = item
            return lambda plugin: self._add(name, plugin)
        if item is None:
            return lambda plugin: self.register(plugin)
        if self._key is None:
            raise TypeError(f"A {self.kind} registers under a name: register('name').")
        return self._add(self._key(item), item)

    def _add(self, key: str, item: T) -> T:
        if not key:
            raise ValueError(f"This {self.kind} has no key: {item!r}.")
        if key in self._reserved:
            raise DuplicatePlugin(f"The {self.kind} key {key!r} is reserved.")
        existing = self._items.get(key)
        if existing is not None and existing is not item and existing != item:
            raise DuplicatePlugin(
                f"The {self.kind} {key!r} is already registered ({_name(existing)}); "
                f"{_name(item)} cannot take its key."
            )
        self._items[key] = item
        return item

    def unregister(self, key: str) -> None:
        self._items.pop(key, None)

    def get(self, key: str) -> T:
        return self._items[key]

    def __contains__(self, key) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(item for _key, item in self.items())

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return [key for key, _item in self.items()]

    def items(self) -> list[tuple[str, T]]:
        """(key, plug-in) pairs in the kind's order."""
        if self._order is None:
            return list(self._items.items())
        return sorted(self._items.items(), key=lambda pair: self._order(pair[1]))


def _name(item) -> str:
    if isinstance(item, type) or callable(item):
        return f"{getattr(item, '__module__', '?')}.{getattr(item, '__qualname__', item)}"
    return repr(item)
