"""What the app keeps for its lifetime (in ``app.extensions["gbagraph"]``): the prepared graph, the examples,
the dump cache.  Nothing here is global: each app built by ``create_app`` has its own."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from flask import current_app, request

from ..config import Settings
from ..export import Dump, make_dump
from ..formats import Format
from ..pipeline import Prepared
from ..query import Engine
from ..search import LabelIndex
from ..store import GraphBundle
from ..vocabulary import completion_vocabulary


@dataclass(frozen=True)
class Example:
    """A query of ``queries/``: file name, title (its first ``#`` line: the question), the further leading
    ``#`` lines (how it answers) and the text."""

    name: str
    title: str
    text: str
    description: str = ""


def read_examples(folder: Path) -> list[Example]:
    """Every ``*.rq`` file under ``folder`` (top level first, then sub-folders such as ``federated/``); the title
    is the file's first comment line, the name its path without ``.rq``."""
    if not folder.is_dir():
        return []
    out = []
    paths = sorted(folder.rglob("*.rq"), key=lambda p: (len(p.relative_to(folder).parts), str(p)))
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        title_lines = []
        for line in text.splitlines():
            stripped = line.strip()
            if not stripped.startswith("#"):
                break
            words = stripped.lstrip("#").strip()
            if words:
                title_lines.append(words)
        name = str(path.relative_to(folder).with_suffix(""))
        title = title_lines[0] if title_lines else name
        out.append(Example(name, title, text, " ".join(title_lines[1:])))
    return out


class DumpCache:
    """Dumps built on first use and kept (one lock: a dump is built once per process)."""

    def __init__(self, bundle: GraphBundle) -> None:
        self.bundle = bundle
        self._dumps: dict[tuple[str, bool], Dump] = {}
        self._extras: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def extra(self, name: str, build: Callable[[GraphBundle], bytes]) -> bytes:
        """A file derived from the dataset other than a dump (entity table, JSON-LD context), built once."""
        with self._lock:
            if name not in self._extras:
                self._extras[name] = build(self.bundle)
            return self._extras[name]

    def get(self, fmt: Format, inferred: bool) -> Dump:
        key = (fmt.name, inferred)
        with self._lock:
            if key not in self._dumps:
                self._dumps[key] = make_dump(self.bundle, fmt, inferred=inferred)
            return self._dumps[key]


@dataclass
class State:
    prepared: Prepared
    examples: list[Example]
    dumps: DumpCache
    graph_names: frozenset[str]
    last_modified: datetime
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def settings(self) -> Settings:
        return self.prepared.settings

    @property
    def engine(self) -> Engine:
        return self.prepared.engine

    @property
    def bundle(self) -> GraphBundle:
        return self.prepared.bundle

    @property
    def base(self) -> str:
        """The canonical namespace of the data (the same on every host)."""
        return self.prepared.bundle.base

    @cached_property
    def labels(self) -> LabelIndex:
        """The label index of the search box (built on first use)."""
        return LabelIndex(self.bundle.dataset)

    @cached_property
    def vocabulary(self) -> dict[str, Any]:
        """What the query editor completes (built on first use)."""
        return completion_vocabulary(self.bundle)

    def public_url(self) -> str:
        """The URL this server is reached at: the ``public_url`` setting, else the request's host (after any
        trusted proxy's headers)."""
        return self.prepared.settings.public_url or request.url_root


def state() -> State:
    """The state of the app serving the current request."""
    found: State = current_app.extensions["gbagraph"]
    return found
