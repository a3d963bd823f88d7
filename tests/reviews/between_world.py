"""The world the tests between reviews share (``tests.factories.reviews.jade_world``), built once per test module,
and fixtures that read it under the names the conftest gives the same people (``la``, ``social_worker``,
``iro``...) and ``manager``, ``child``, ``episode``, so that a test reads as any other. A test module installs
them (as module attributes, where pytest finds fixtures):

    globals().update(between_world.fixtures())
"""

import pytest

from tests.factories.reviews import jade_world
from tests.factories.worlds import shared_world

NAMES = ("la", "team", "social_worker", "team_manager", "colleague", "iro", "manager", "police_officer", "child",
         "episode")


def _reader(name: str):
    @pytest.fixture(name=name)
    def read(world):
        return getattr(world, name)

    read.__doc__ = f"The shared world's {name}"
    return read


def fixtures() -> dict:
    """``world`` (module scope) and a fixture for each of ``NAMES``, keyed by attribute names of their own."""
    return {"world": shared_world(jade_world), **{f"_world_{name}": _reader(name) for name in NAMES}}
