"""Broken fixture files fail cleanly: a validation error naming the place, nothing written."""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings

from procurement import InvalidData, Tracker
from procurement.resources import resource_path
from tests.strategies import DROP, mutations
from tests.test_seed import _dump

FIXTURES = resource_path("fixtures")
SEEDS = resource_path("seeds")
DOCUMENTS: dict[str, Any] = {
    str(p.relative_to(FIXTURES)): yaml.safe_load(p.read_text())
    for p in sorted(FIXTURES.rglob("*.yaml"))
}


def _apply(documents: dict[str, Any], name: str, path: list[Any], value: object) -> None:
    node = documents[name]
    for step in path[:-1]:
        node = node[step]
    if not path:
        documents[name] = None if value is DROP else value
    elif value is DROP:
        del node[path[-1]]
    else:
        node[path[-1]] = value


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutation=mutations(DOCUMENTS))
def test_a_mutated_fixture_set_loads_or_fails_cleanly_without_a_partial_write(
    tracker: Tracker, mutation: tuple[str, list[Any], object]
) -> None:
    """Drop a field, give it the wrong type or an unknown reference: the load either
    succeeds (the change was harmless) or raises InvalidData naming a file, and in that
    case the database is exactly as it was."""
    name, path, value = mutation
    documents = copy.deepcopy(DOCUMENTS)
    _apply(documents, name, path, value)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "fixtures"
        shutil.copytree(FIXTURES, folder)
        (folder / name).write_text(yaml.safe_dump(documents[name], allow_unicode=True))
        before = _dump(tracker.engine)
        try:
            tracker.seed([SEEDS, folder])
        except InvalidData as error:
            assert error.problems
            assert any(p.file for p in error.problems) or "record" in str(error)
            assert _dump(tracker.engine) == before
