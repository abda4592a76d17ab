"""What one app keeps for its lifetime (in ``app.extensions["gbagraph"]``): one :class:`State` holding the
prepared graph and its engine, the response cache and the dumps.  Nothing here is global: each app built by
``create_app`` has its own."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from flask import current_app, request
from rdflib import Graph

from ..bundle import GraphBundle
from ..config import Settings, public_url
from ..errors import IndexPending
from ..examples import Example
from ..ontodoc import OntologyDoc, ontology_doc
from ..pipeline import Prepared
from ..query import Engine
from ..search import LabelIndex, builder_lock, building, index_file
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
    index_builder: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _labels: LabelIndex | None = field(default=None, init=False, repr=False)
    _labels_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

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

    @property
    def labels(self) -> LabelIndex:
        """The label index of the search box: a file in the store's cache folder (a warm start opens it), else
        built now (in memory without a cache folder).  Raises ``IndexPending`` while another process builds the
        file (:meth:`start_search_index`)."""
        with self._labels_lock:
            if self._labels is None:
                folder = self.prepared.dumps_folder
                found = index_file(folder)
                if found is None and folder is not None and building(folder):
                    raise IndexPending("the search index is being built after the start; try again in a few seconds")
                self._labels = found or LabelIndex(self.bundle, folder)
            return self._labels

    def start_search_index(self, *, beside: bool) -> bool:
        """Have the search index ready, or on its way: opened if its file exists; built in another process
        (``python -m gbagraph.search``, reading the sealed store) when ``beside`` and the store is on disk, so
        that the server answers meanwhile (issue 22: at 1M it took 20-40 s of the cold start); else built now.
        True when it is being built beside."""
        folder, store = self.prepared.dumps_folder, self.prepared.store_check.folder
        if index_file(folder) is not None or folder is None or store is None or not beside:
            self.labels  # noqa: B018 (opened, or built now)
            return False
        if building(folder):
            return True
        folder.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "gbagraph.search", str(store / "db"), self.base, str(folder)]
        self.index_builder = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        builder_lock(folder).write_text(str(self.index_builder.pid))  # before the workers fork: they wait for it
        threading.Thread(target=self.index_builder.wait, name="gbagraph-index-wait", daemon=True).start()  # reaped
        return True

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
