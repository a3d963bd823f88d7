"""Worlds built once and shared by many tests: for read-only matrices and the demo's read-only tests.

A world is built inside a transaction that stays open while its tests run and is rolled back at the
end. Each test still runs in its own savepoint (pytest-django's ``db`` fixture nests inside the open
transaction), so a test that writes something writes it for itself only.

    from tests.factories.worlds import shared_world

    def build():
        ...                          # factories, services: anything that writes to the database
        return SimpleNamespace(...)

    world = shared_world(build)                  # a module-scoped fixture named ``world``
    demo = shared_world(load_demo, scope="class")

    def test_something(world, db): ...

Rules of use:

- Only for tests that use the ``db`` fixture (or ``django_db``), never for ``transaction=True`` tests or
  browser tests: the live server's thread cannot see rows that are not committed, and a transactional
  test in the same module would run inside the world's transaction. Keep those in another module
  (or class, with ``scope="class"``).
- ``transaction.on_commit`` callbacks registered while building never run (nothing commits).
- Under pytest-xdist a module's tests may be shared among workers: each worker builds the world
  once for its share (``@pytest.mark.xdist_group`` keeps a module's tests on one worker with
  ``--dist loadgroup``, which ``scripts/test.sh`` uses).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction

__all__ = ["afresh", "built", "rolled_back", "shared_world"]


@contextmanager
def rolled_back(django_db_blocker) -> Iterator[None]:
    """Open a transaction (database access allowed only while entering and leaving it) that is rolled
    back on exit. For fixtures of a wider scope than a test; the tests inside run in savepoints."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def built(build: Callable[[], Any], django_db_blocker) -> Iterator[Any]:
    """``build()``'s value, built inside a transaction that is rolled back when the generator is closed: for
    a wide-scoped fixture written by hand (a class method of a test class: ``shared_world``'s fixture is a
    plain function): ``yield from built(build, django_db_blocker)``."""
    with rolled_back(django_db_blocker):
        with django_db_blocker.unblock():
            value = build()
        yield value


def shared_world(build: Callable[[], Any], *, scope: str = "module", name: str | None = None):
    """A fixture (of ``scope``: "module", "class" or "package") whose value is ``build()``, run once
    inside a transaction that is rolled back when the scope ends."""

    @pytest.fixture(scope=scope, name=name)
    def world(django_db_setup, django_db_blocker):
        yield from built(build, django_db_blocker)

    world.__doc__ = f"{build.__doc__ or build.__name__} (built once per {scope}, rolled back at its end)"
    return world


def afresh(kept):
    """A world's record read again from the database: a test's own instance, whatever earlier tests did to theirs."""
    return type(kept)._default_manager.get(pk=kept.pk)
