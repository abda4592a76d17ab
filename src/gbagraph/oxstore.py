"""The served dataset as a pyoxigraph store, parsed straight from ``ontology/`` and ``data/`` (no rdflib copy).

Same named graphs as :func:`gbagraph.store.load`: ``graph/ontology``, one per data file, ``graph/provenance``
(entity-level ``prov:wasDerivedFrom`` for every subject of a ``pNN.ttl`` file), later ``graph/inferred`` and
``graph/void``; the default graph holds the set union of the named graphs (see
:func:`gbagraph.query.materialise_union`).

On disk a store is built in ``{cache}/store/.tmp-*`` and renamed to ``{cache}/store/{key}`` only when complete,
after its marker file (``gbagraph-store.json``, written last) — so a start killed half-way leaves nothing a
later start trusts, and a folder without a valid marker, or one RocksDB cannot open, is rebuilt.  A complete
store is never written again: every process opens it read-only (and the query workers inherit that handle).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .diskcache import DiskCache, Inputs
from .errors import LoadError
from .namespaces import BASE, graph_iri
from .store import EDITORIAL_FILE, constructed, record_editorial

log = logging.getLogger("gbagraph.start")

MARKER = "gbagraph-store.json"
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
KIND = "store"


def graph_node(name: str) -> ox.NamedNode:
    return ox.NamedNode(graph_iri(BASE, name))


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _file_lines(path: Path, graph: str, root: Path, subjects: set[str] | None) -> Iterator[tuple[str, str]]:
    """The triples of one Turtle file as (N-Quads lines in ``graph`` and in the default graph (the union),
    N-Triples line); a syntax error names ``file:line``."""
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            triple = f"{quad.subject} {quad.predicate} {quad.object}"
            if subjects is not None and isinstance(quad.subject, ox.NamedNode):
                subjects.add(quad.subject.value)
            yield f"{triple} {graph} .\n{triple} .\n", f"{triple} .\n"
    except SyntaxError as exc:
        reason = " ".join(str(exc.msg).split())[:300]
        raise LoadError(f"{_shown(path, root)}:{exc.lineno or '?'}: {reason}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"{_shown(path, root)}: cannot read: {exc}") from exc


def input_lines(inputs: Inputs) -> Iterator[tuple[str, str]]:
    """The asserted dataset as N-Quads: ontology, data files, and the provenance computed from them, each triple
    also in the default graph (the store's set semantics make that the union); with each, the triple as
    N-Triples, or "" for the triples of ``graph/links/*`` (what the reasoner reads)."""
    links = graph_iri(BASE, "links/")
    if not inputs.ontology:
        raise LoadError(f"{inputs.root / 'ontology'}: no ontology files")
    onto = str(graph_node("ontology"))
    for path in inputs.ontology:
        yield from _file_lines(path, onto, inputs.root, None)
    prov = str(graph_node("provenance"))
    for name, path, paragraph in inputs.data:
        graph = str(graph_node(name))
        subjects: set[str] | None = set() if paragraph else None
        if graph[1:].startswith(links):
            yield from ((quads, "") for quads, _triple in _file_lines(path, graph, inputs.root, subjects))
        else:
            yield from _file_lines(path, graph, inputs.root, subjects)
        if paragraph and subjects is not None:
            para = f"<{paragraph}>"
            for subject in [graph[1:-1], *sorted(subjects - {paragraph})]:
                yield (f"<{subject}> {PROV_DERIVED} {para} {prov} .\n<{subject}> {PROV_DERIVED} {para} .\n",
                       f"<{subject}> {PROV_DERIVED} {para} .\n")
        elif path.name == EDITORIAL_FILE and path.parent.name != "links":
            yield from _editorial_lines(graph[1:-1], prov)


def _editorial_lines(graph: str, prov: str) -> Iterator[tuple[str, str]]:
    """The provenance of an editorial graph (store.record_editorial's triples), as the loader writes them."""
    record = Graph()
    record_editorial(record, URIRef(graph))
    for line in record.serialize(format="nt").splitlines():
        if line.strip():
            triple = line.rstrip().removesuffix(".").rstrip()
            yield f"{triple} {prov} .\n{triple} .\n", f"{triple} .\n"


DERIVED = ("inferred", "void")


def asserted_query(*, links: bool = True) -> str:
    """CONSTRUCT of the asserted triples (ontology, data files, provenance), without the derived graphs."""
    skip = ", ".join(str(graph_node(name)) for name in DERIVED)
    links_filter = "" if links else f' && !STRSTARTS(STR(?g), "{graph_iri(BASE, "links/")}")'
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({skip}){links_filter}) }}"


def asserted_ntriples(store: ox.Store, *, links: bool = True) -> bytes:
    """The asserted triples of ``store`` as N-Triples (a triple in several graphs may come more than once)."""
    return constructed(store, asserted_query(links=links)).serialize(format=ox.RdfFormat.N_TRIPLES) or b""


def load_ntriples(store: ox.Store, body: bytes, graph: str) -> None:
    """Add N-Triples to the named graph ``graph`` and to the default graph (the union)."""
    if body:
        store.bulk_load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=graph_node(graph))
        store.bulk_load(body, format=ox.RdfFormat.N_TRIPLES)


# -- the store folder: built aside, renamed when complete, opened read-only ------------------------------------------

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(folder: Path) -> None:
    """Remove the building folders of starts that died (their process is gone)."""
    for tmp in folder.glob(".tmp-*"):
        try:
            pid = int((tmp / "pid").read_text())
        except (OSError, ValueError):
            pid = 0
        if not pid or not _alive(pid):
            log.info("store: removing %s, left by a start that did not finish", tmp.name)
            shutil.rmtree(tmp, ignore_errors=True)


class StoreBuild:
    """A store being built: in memory (no cache) or in a temporary folder renamed into the cache when done."""

    def __init__(self, cache: DiskCache | None, key: str) -> None:
        self.key = key
        self.cache = cache
        self.tmp: Path | None = None
        if cache is None:
            self.store = ox.Store()
            self.scratch = Path(tempfile.mkdtemp(prefix="gbagraph-build-"))
            return
        folder = cache.folder / KIND
        folder.mkdir(parents=True, exist_ok=True)
        sweep(folder)
        self.tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".tmp-"))
        (self.tmp / "pid").write_text(str(os.getpid()))
        self.store = ox.Store(str(self.tmp / "db"))
        self.scratch = self.tmp

    def load(self, inputs: Inputs) -> None:
        """Parse every input file (one N-Quads file is written aside, then bulk-loaded: no Python per quad in
        the store); the triples the reasoner reads are kept aside as N-Triples (:meth:`reasoner_input`)."""
        nquads = self.scratch / "asserted.nq"
        try:
            with nquads.open("w", encoding="utf-8") as out, self.reasoning.open("w", encoding="utf-8") as nt:
                for quads, triple in input_lines(inputs):
                    out.write(quads)
                    nt.write(triple)
            self.store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        finally:
            nquads.unlink(missing_ok=True)

    @property
    def reasoning(self) -> Path:
        return self.scratch / "reasoning.nt"

    def reasoner_input(self) -> bytes:
        """The asserted triples without ``graph/links/*``, as N-Triples (written while parsing)."""
        return self.reasoning.read_bytes()

    def validation_input(self) -> bytes:
        """The asserted triples, links included, as N-Triples: the default graph before anything is derived."""
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""

    def finish(self, meta: dict[str, Any]) -> ox.Store:
        """Seal the store: on disk, flush, close, write the marker, rename into place and open read-only."""
        if self.tmp is None or self.cache is None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            return self.store
        self.reasoning.unlink(missing_ok=True)
        self.store.flush()
        self.store.optimize()
        del self.store
        gc.collect()  # the only reference: RocksDB closes its files here
        (self.tmp / MARKER).write_text(json.dumps({**meta, "key": self.key}))
        target = self.cache.path(KIND, self.key)
        try:
            os.rename(self.tmp, target)
        except OSError:  # another start finished the same store first: use that one
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = None
        store = open_complete(self.cache, self.key)
        if store is None:
            raise LoadError(f"{target}: the store just built cannot be opened")
        return store

    def abandon(self) -> None:
        """Drop a build that failed (a parse error, data failing SHACL): nothing of it stays."""
        if self.tmp is None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        else:
            self.store = ox.Store()  # release the on-disk one before removing its files
            gc.collect()
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


def open_complete(cache: DiskCache, key: str) -> ox.Store | None:
    """The complete store ``key`` opened read-only, or None (missing; damaged or partial ones are removed)."""
    target = cache.path(KIND, key)
    if not target.exists():
        return None
    try:
        meta = json.loads((target / MARKER).read_text())
        if meta.get("key") != key:
            raise ValueError("marker of another store")
        store = ox.Store.read_only(str(target / "db"))
        graphs = sum(1 for _ in store.named_graphs())
        if graphs != meta["graphs"]:
            raise ValueError(f"{graphs} named graphs, the marker says {meta['graphs']}")
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        log.warning("store: %s is damaged or incomplete (%s); rebuilding it", target, str(exc).splitlines()[0][:200])
        shutil.rmtree(target, ignore_errors=True)
        return None
    return store


def marker(cache: DiskCache | None, key: str) -> dict[str, Any]:
    if cache is None:
        return {}
    try:
        return cast(dict[str, Any], json.loads((cache.path(KIND, key) / MARKER).read_text()))
    except (OSError, ValueError):
        return {}
