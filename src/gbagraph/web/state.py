"""What one app keeps for its lifetime (in ``app.extensions["gbagraph"]``): one :class:`State` holding the
prepared graph and its engine, the response cache and the dumps.  Nothing here is global: each app built by
``create_app`` has its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from flask import current_app, request
from rdflib import Graph

from ..bundle import GraphBundle
from ..config import Settings, public_url
from ..examples import Example
from ..ontodoc import OntologyDoc, ontology_doc
from ..pipeline import Prepared
from ..query import Engine
from ..search import LabelIndex
from ..vocabulary import completion_vocabulary
from .response_cache import ResponseCache

if TYPE_CHECKING:
    from .dumpfiles import DumpCache, StoreDumps


@dataclass
class State:
    """Everything one app serves from: the prepared graph (and its engine), the response cache (None with a
    remote ``sparql_backend``), the dumps, the examples."""

    prepared: Prepared
    examples: list[Example]
    dumps: DumpCache
    graph_names: frozenset[str]
    last_modified: datetime
    response_cache: ResponseCache | None = None
    store_dumps: StoreDumps | None = None
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
        """The label index of the search box (built on first use; a file in the store's cache folder, so a warm
        start opens it)."""
        return LabelIndex(self.bundle, self.prepared.dumps_folder)

    @cached_property
    def vocabulary(self) -> dict[str, Any]:
        """What the query editor completes (built on first use)."""
        return completion_vocabulary(self.bundle)

    @cached_property
    def ontology(self) -> OntologyDoc:
        """The ontology page's facts (built on first use: the data do not change while the app runs)."""
        shapes = Graph()
        if self.settings.shapes_file.is_file():
            shapes.parse(self.settings.shapes_file, format="turtle")
        return ontology_doc(self.bundle, shapes)

    def public_url(self) -> str:
        """The URL this server is reached at: the ``public_url`` setting, else the request's host (after any
        trusted proxy's headers)."""
        return public_url(self.prepared.settings, request.url_root)


def state() -> State:
    """The state of the app serving the current request."""
    found: State = current_app.extensions["gbagraph"]
    return found
