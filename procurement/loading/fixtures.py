"""Read fixture files (human-edited YAML) into a `Batch`, remembering file and line.

A fixture file is a YAML mapping with any of these keys:

    sources:      articles and datasets; `file` names the text, relative to the YAML file
    platforms:    the catalogue
    officials:    people with their roles
    engagements:  calls, meetings, visits, statements
    programmes:   what has a status
    claims:       status events; `quote` or `citations` give the evidence
    source:       the default source id of the citations in this file

A claim may carry `review: pending | accepted | rejected` (drafts written by the ingester
do): pending claims are refused, rejected ones skipped, accepted ones loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from procurement.domain.engagements import Engagement
from procurement.domain.events import StatusEvent
from procurement.domain.officials import Official
from procurement.domain.platforms import Platform
from procurement.domain.programmes import Programme
from procurement.domain.sources import Source, sha256_hex
from procurement.errors import InvalidData, Problem, raise_problems, validation_problems
from procurement.loading.batch import Batch, Entry, Origin, SourceDocument

__all__ = ["KEYS", "fixture_files", "read_fixtures"]

KEYS = ("sources", "platforms", "officials", "engagements", "programmes", "claims", "source")
_LINE = "__line__"
M = TypeVar("M", bound=BaseModel)


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping under the key `__line__`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def fixture_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, or found (recursively, sorted) in the folders named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))
        elif path.is_file():
            found.append(path)
        else:
            raise InvalidData(Problem("no such file or folder", file=str(path)))
    return found


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != _LINE}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


class _Reader:
    """Reads one file's records; collects problems rather than stopping at the first."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.name = str(path)
        self.problems = problems

    def problem(
        self,
        message: str,
        line: int | None,
        record: str | None,
        field: str | None = None,
        category: str = "invalid",
    ) -> None:
        self.problems.append(
            Problem(
                message, file=self.name, line=line, record=record, field=field, category=category
            )
        )

    def load(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            self.problem(f"not UTF-8 text ({error.reason} at byte {error.start})", None, None)
            return None
        try:
            document = yaml.load(text, Loader=_LineLoader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            reason = getattr(error, "problem", None) or str(error)
            self.problem(f"YAML syntax error: {reason}", line, None)
            return None
        if document is None:
            return {}
        if not isinstance(document, dict):
            self.problem("a fixture file must be a mapping of keys such as 'claims:'", 1, None)
            return None
        for key in document:
            if key != _LINE and key not in KEYS:
                self.problem(
                    f"unknown key {key!r}; expected one of {', '.join(KEYS)}",
                    document[_LINE],
                    None,
                )
        return document

    def records(self, document: dict[str, Any], key: str) -> Iterator[tuple[int, dict[str, Any]]]:
        items = document.get(key, [])
        if items is None:
            return
        if not isinstance(items, list):
            self.problem(f"'{key}' must be a list", document.get(_LINE), None, key)
            return
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                self.problem("must be a mapping", None, f"{key}[{index}]")
                continue
            yield index, item

    def model(self, model: type[M], raw: dict[str, Any], record: str) -> M | None:
        try:
            return model.model_validate(_strip_lines(raw))
        except ValidationError as error:
            self.problems.extend(
                validation_problems(error, file=self.name, line=raw.get(_LINE), record=record)
            )
            return None

    def origin(self, raw: dict[str, Any]) -> Origin:
        return Origin(self.name, raw.get(_LINE))


def _record_name(key: str, index: int, raw: dict[str, Any]) -> str:
    ident = raw.get("id")
    singular = key[:-1] if key != "claims" else "claim"
    return f"{singular} {ident!r}" if isinstance(ident, str) else f"{key}[{index}]"


def _read_source(reader: _Reader, index: int, raw: dict[str, Any]) -> SourceDocument | None:
    record = _record_name("sources", index, raw)
    raw = dict(raw)
    relative = raw.pop("file", None)
    text: str | None = None
    if relative is not None:
        path = reader.path.parent / str(relative)
        try:
            data = path.read_bytes()
        except OSError as error:
            reader.problem(f"cannot read {path}: {error.strerror}", raw.get(_LINE), record, "file")
            return None
        digest = sha256_hex(data)
        if raw.get("sha256") is None:
            raw["sha256"] = digest
        elif str(raw["sha256"]).lower() != digest:
            reader.problem(
                f"the text of {path} no longer matches its recorded digest "
                f"({str(raw['sha256'])[:12]}... recorded, {digest[:12]}... found); a source's "
                "text must not change",
                raw.get(_LINE),
                record,
                "sha256",
                category="integrity",
            )
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            reader.problem(
                f"{path} is not UTF-8 text: {error.reason}", raw.get(_LINE), record, "file"
            )
            return None
    source = reader.model(Source, raw, record)
    return None if source is None else SourceDocument(source, text)


def _claim(
    reader: _Reader, index: int, raw: dict[str, Any], default_source: Any
) -> StatusEvent | None:
    record = f"claims[{index}]"
    raw = dict(raw)
    review = raw.pop("review", "accepted")
    raw.pop("confidence", None)
    if review == "rejected":
        return None
    if review != "accepted":
        reader.problem(
            f"claim is marked review: {review}; accept it (review: accepted) or reject it",
            raw.get(_LINE),
            record,
            "review",
        )
        return None
    citations = raw.pop("citations", None)
    quote = raw.pop("quote", None)
    if citations is not None and quote is not None:
        reader.problem(
            "give either 'quote' or 'citations', not both", raw.get(_LINE), record, "quote"
        )
        return None
    if quote is not None:
        citations = [{"quote": quote}]
    if isinstance(citations, list):
        citations = [
            {"source": default_source, **c} if isinstance(c, dict) and "source" not in c else c
            for c in citations
        ]
    raw["citations"] = citations if citations is not None else []
    return reader.model(StatusEvent, raw, record)


def read_fixtures(paths: Iterable[Path | str]) -> Batch:
    """Read every fixture file under `paths` into one batch; raise every problem found."""
    problems: list[Problem] = []
    batch = Batch()
    for path in fixture_files(Path(p) for p in paths):
        reader = _Reader(path, problems)
        document = reader.load()
        if document is None:
            continue
        for index, raw in reader.records(document, "sources"):
            doc = _read_source(reader, index, raw)
            if doc is not None:
                batch.sources.append(Entry(doc, reader.origin(raw)))
        simple: list[tuple[str, type[BaseModel], list[Any]]] = [
            ("platforms", Platform, batch.platforms),
            ("officials", Official, batch.officials),
            ("engagements", Engagement, batch.engagements),
            ("programmes", Programme, batch.programmes),
        ]
        for key, model, target in simple:
            for index, raw in reader.records(document, key):
                value = reader.model(model, raw, _record_name(key, index, raw))
                if value is not None:
                    target.append(Entry(value, reader.origin(raw)))
        default_source = document.get("source")
        for index, raw in reader.records(document, "claims"):
            event = _claim(reader, index, raw, default_source)
            if event is not None:
                batch.events.append(Entry(event, reader.origin(raw)))
    raise_problems(problems)
    return batch
