"""The served dataset as a pyoxigraph store, parsed straight from ``ontology/`` and ``data/`` (no rdflib copy).

Same named graphs as :func:`gbagraph.reference.loader.load`: ``graph/ontology``, one per data file, ``graph/provenance``
(entity-level ``prov:wasDerivedFrom`` for every subject of a ``pNN.ttl`` file), later ``graph/inferred`` and
``graph/void``; the default graph holds the set union of the named graphs (see
:func:`gbagraph.query.materialise_union`).

On disk a store is built in ``{cache}/store/.tmp-*`` and renamed to ``{cache}/store/{key}`` only when complete,
after its marker file (``gbagraph-store.json``, written last) — so a start killed half-way leaves nothing a
later start trusts, and a folder without a valid marker, or one RocksDB cannot open, is rebuilt.  A complete
store is never written again: every process opens it read-only (and the query workers inherit that handle).

The marker holds the size and SHA-256 of every file of the sealed database (:func:`db_sums`): RocksDB checks
its blocks only when a query reads them, so a damaged file would open fine and fail (or abort) under a full
scan.  A start checks the files against the marker before opening the store (:func:`open_complete`; a store
above ``store_check_sync_mb`` is opened at once and checked in the background, :class:`StoreCheck`), and a
damaged one is removed and rebuilt.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import queue
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .beside import Beside
from .bundle import constructed
from .diskcache import DiskCache, Inputs, hold, sha256_of, sweep, tmp_prefix
from .errors import LoadError
from .layout import EDITORIAL_FILE, record_editorial
from .namespaces import BASE, graph_iri

log = logging.getLogger("gbagraph.start")

MARKER = "gbagraph-store.json"
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
KIND = "store"
#: quads per bulk load while parsing: bounds the bulk loader's memory (~0.4 GB at 250k quads, ~2 GB for 2M at once);
#: at 1M with the loads in a thread beside the parser, 250k gave 15.7 s and 630 MB against 23.4 s and 970 MB for
#: 500k loaded in turn (benchmarks/README.md, "Issue 22: 1M cold start, third round")
CHUNK_QUADS = 250_000


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


def input_lines(inputs: Inputs) -> Iterator[tuple[str, str, bool]]:
    """The asserted dataset as N-Quads: ontology, data files, and the provenance computed from them, each triple
    also in the default graph (the store's set semantics make that the union); with each, the triple as
    N-Triples and whether the reasoner reads it (not the triples of ``graph/links/*``)."""
    links = graph_iri(BASE, "links/")
    if not inputs.ontology:
        raise LoadError(f"{inputs.root / 'ontology'}: no ontology files")
    onto = str(graph_node("ontology"))
    for path in inputs.ontology:
        for quads, triple in _file_lines(path, onto, inputs.root, None):
            yield quads, triple, True
    prov = str(graph_node("provenance"))
    for name, path, paragraph in inputs.data:
        graph = str(graph_node(name))
        subjects: set[str] | None = set() if paragraph else None
        reasoned = not graph[1:].startswith(links)
        for quads, triple in _file_lines(path, graph, inputs.root, subjects):
            yield quads, triple, reasoned
        if paragraph and subjects is not None:
            para = f"<{paragraph}>"
            for subject in [graph[1:-1], *sorted(subjects - {paragraph})]:
                yield (f"<{subject}> {PROV_DERIVED} {para} {prov} .\n<{subject}> {PROV_DERIVED} {para} .\n",
                       f"<{subject}> {PROV_DERIVED} {para} .\n", True)
        elif path.name == EDITORIAL_FILE and path.parent.name != "links":
            for quads, triple in _editorial_lines(graph[1:-1], prov):
                yield quads, triple, True


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

# -- what a sealed store's files are: sizes and checksums, checked before the store is trusted ----------------------

def _sealed_files(db: Path) -> list[Path]:
    """The files of a closed RocksDB database that its content is in (not its info log or lock file)."""
    return sorted(p for p in db.iterdir() if p.is_file() and not p.name.startswith(("LOG", "LOCK")))



def db_sums(db: Path) -> dict[str, list[int | str]]:
    """{file name: [size, SHA-256]} of a closed database (what the marker records when the store is sealed)."""
    return {p.name: [p.stat().st_size, sha256_of(p)] for p in _sealed_files(db)}


def db_bytes(meta: dict[str, Any]) -> int:
    return sum(int(size) for size, _sha in meta.get("files", {}).values())


def db_damage(db: Path, meta: dict[str, Any]) -> str | None:
    """Why the database files at ``db`` are not those the marker ``meta`` recorded, or None."""
    files = meta.get("files")
    if not isinstance(files, dict) or not files:
        return "the marker records no file checksums"
    present = {p.name: p for p in _sealed_files(db)} if db.is_dir() else {}
    if set(present) != set(files):
        missing, extra = sorted(set(files) - set(present)), sorted(set(present) - set(files))
        return f"files missing {missing[:3]} or not sealed {extra[:3]}"
    for name, (size, sha) in sorted(files.items()):
        if present[name].stat().st_size != size:
            return f"{name} has {present[name].stat().st_size} bytes, sealed with {size}"
        if sha256_of(present[name]) != sha:
            return f"{name} is not the file sealed (SHA-256 differs)"
    return None


class StoreCheck:
    """What is known of the served store's files: ``memory`` (no files), ``verified``, ``verifying`` (a big
    store, checked by a background thread of the starting process; every process forked from it reads the
    outcome from ``check.json`` in the store's folder) or ``damaged`` (then the marker is removed: the next
    start rebuilds the store)."""

    def __init__(self, folder: Path | None = None, state: str = "memory", problem: str | None = None) -> None:
        self.folder, self._state, self.problem = folder, state, problem
        self.token = uuid.uuid4().hex
        self._held = hold(folder) if folder is not None else None  # the cache's eviction leaves this store alone

    def __del__(self) -> None:
        if self._held is not None:
            os.close(self._held)
            self._held = None

    def state(self) -> dict[str, Any]:
        """``{"state": …, "problem": … or None}`` now."""
        if self._state == "verifying" and self.folder is not None:
            try:
                found = json.loads((self.folder / "check.json").read_text())
                if found.get("token") == self.token:
                    return {"state": found["state"], "problem": found.get("problem")}
            except (OSError, ValueError, KeyError, AttributeError):
                pass
        return {"state": self._state, "problem": self.problem}

    def in_background(self, meta: dict[str, Any]) -> None:
        """Check the files in a thread; the outcome goes to ``check.json`` (read by :meth:`state`)."""
        assert self.folder is not None
        thread = threading.Thread(target=self._check, args=(meta,), name="gbagraph-store-check", daemon=True)
        thread.start()

    def _check(self, meta: dict[str, Any]) -> None:
        assert self.folder is not None
        try:
            problem = db_damage(self.folder / "db", meta)
        except OSError as exc:
            problem = f"cannot read its files ({exc.strerror or exc})"
        if problem is not None:
            log.error("store: %s is damaged (%s): answers may be wrong; it is rebuilt at the next start",
                      self.folder, problem)
            (self.folder / MARKER).unlink(missing_ok=True)
        outcome = {"token": self.token, "state": "damaged" if problem else "verified", "problem": problem}
        try:
            (self.folder / "check.json").write_text(json.dumps(outcome))
        except OSError as exc:
            log.warning("store: cannot record the check of %s (%s)", self.folder, exc)


class GraphCounter:
    """Triples per named graph, counted as the parse writes them (the store keeps a triple once per graph, so a
    triple repeated in a graph counts once): a set of the lines of the graph being written, dropped when the
    next graph begins; the graphs written piecewise (the ontology from several files, the provenance between the
    data files) keep theirs to the end.  A graph that comes back after its set was dropped makes the counts
    unknown (None: counted by a query instead)."""

    def __init__(self) -> None:
        self.done: dict[str, int] = {}
        self.open: dict[str, set[str]] = {}  # graph IRI (N-Triples form) → its distinct triples so far
        self.current = ""
        self.broken = False

    def add(self, quads: str, triple: str) -> bool:
        """Count the line; True when it begins another graph than the line before."""
        graph = quads[len(triple) - 2:quads.index("\n")].rstrip(" .")  # "<s> <p> <o> <g> .": the 4th term
        switched = graph != self.current
        if switched:
            self._switch(graph)
        self.open[graph].add(triple)
        return switched

    def _switch(self, graph: str) -> None:
        previous = self.current
        if previous and previous not in PIECEWISE and previous in self.open:
            self.done[previous] = len(self.open.pop(previous))
        if graph in self.done:
            self.broken = True
            self.open[graph] = set()
            del self.done[graph]
        self.open.setdefault(graph, set())
        self.current = graph

    def counts(self) -> dict[str, int] | None:
        """{graph IRI: triples} of every non-empty graph written, or None when they are not known."""
        if self.broken:
            return None
        out = {**self.done, **{g: len(lines) for g, lines in self.open.items()}}
        return {g[1:-1]: n for g, n in out.items() if n}


#: the graphs :func:`input_lines` writes in pieces (between other graphs' lines)
PIECEWISE = frozenset(str(graph_node(name)) for name in ("ontology", "provenance"))


class BulkLoader:
    """N-Quads chunks bulk-loaded into a store by a thread, one chunk at a time, while the caller parses the next
    (pyoxigraph's bulk load releases the GIL and uses one core: parsing and loading then use both).  At most one
    chunk waits; a failed load is raised by the next :meth:`put` or at the end of the ``with`` block, which waits
    for the last load."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="gbagraph-bulk-load", daemon=True)

    def __enter__(self) -> BulkLoader:
        self.thread.start()
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.chunks.put(None)
        self.thread.join()
        if self.error is not None and kind is None:
            raise self.error

    def put(self, chunk: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.chunks.put(chunk)

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.error is None:
                try:
                    self.store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS, lenient=True)
                except BaseException as exc:  # raised in the parsing thread
                    self.error = exc
            del chunk


class StoreBuild:
    """A store being built: in memory (no cache) or in a temporary folder renamed into the cache when done."""

    def __init__(self, cache: DiskCache | None, key: str) -> None:
        self.key = key
        self.cache = cache
        self.tmp: Path | None = None
        self.triples = 0  # asserted triples parsed (a triple in several files counts once per file)
        self.graph_counts: dict[str, int] | None = None  # triples per named graph, counted while parsing
        self.compaction: Beside[None] | None = None  # the store's compaction, running beside the seal's queries
        if cache is None:
            self.store = ox.Store()
            self.scratch = Path(tempfile.mkdtemp(prefix="gbagraph-build-"))
            return
        folder = cache.folder / KIND
        folder.mkdir(parents=True, exist_ok=True)
        sweep(folder)
        self.tmp = Path(tempfile.mkdtemp(dir=folder, prefix=tmp_prefix()))
        (self.tmp / "pid").write_text(str(os.getpid()))
        self.store = ox.Store(str(self.tmp / "db"))
        self.scratch = self.tmp

    def load(self, inputs: Inputs, parsed: Callable[[], None] | None = None) -> None:
        """Parse every input file into the store, in bulk loads of :data:`CHUNK_QUADS` quads (no Python per quad
        in the store, and the bulk loader's memory stays bounded) made by a thread (:class:`BulkLoader`) while
        the next chunk is parsed; the asserted triples are written aside as N-Triples for the SHACL engine
        (:attr:`validation`) and, without the links, for the reasoner (:attr:`reasoning`), and counted per named
        graph (:attr:`graph_counts`).  The parser checked every term already, so the bulk loads are lenient.
        ``parsed()`` is called once those files are complete, while the last bulk loads still run."""
        chunk: list[str] = []
        self.triples = 0
        counter = GraphCounter()
        with BulkLoader(self.store) as loader:
            with self.reasoning.open("w", encoding="utf-8") as reasoned, \
                    self.validation.open("w", encoding="utf-8") as validated:
                for quads, triple, for_reasoner in input_lines(inputs):
                    # a chunk ends where a graph begins: each bulk load names its blank nodes afresh, so a file's
                    # blank nodes must not be split between two loads
                    if counter.add(quads, triple) and len(chunk) * 2 >= CHUNK_QUADS:
                        loader.put("".join(chunk).encode("utf-8"))
                        chunk = []
                    chunk.append(quads)
                    validated.write(triple)
                    self.triples += 1
                    if for_reasoner:
                        reasoned.write(triple)
                if chunk:
                    loader.put("".join(chunk).encode("utf-8"))
                    del chunk
            self.graph_counts = counter.counts()
            del counter
            if parsed is not None:
                parsed()

    @property
    def reasoning(self) -> Path:
        return self.scratch / "reasoning.nt"

    @property
    def validation(self) -> Path:
        return self.scratch / "validation.nt"

    def reasoner_input(self) -> bytes:
        """The asserted triples without ``graph/links/*``, as N-Triples (written while parsing)."""
        return self.reasoning.read_bytes()

    def validation_input(self) -> bytes:
        """The asserted triples, links included, as N-Triples (written while parsing; a triple in several
        graphs comes more than once)."""
        return self.validation.read_bytes()

    def finish(self, meta: dict[str, Any]) -> tuple[ox.Store, StoreCheck]:
        """Seal the store: on disk, flush, close, write the marker (with the files' checksums), rename into place
        and open read-only."""
        if self.tmp is None or self.cache is None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            return self.store, StoreCheck()
        self.reasoning.unlink(missing_ok=True)
        self.validation.unlink(missing_ok=True)
        self.store.flush()
        if self.compaction is None:
            self.store.optimize()
        else:
            self._compacted()
        del self.store
        gc.collect()  # the only reference: RocksDB closes its files here
        meta = {**meta, "key": self.key, "files": db_sums(self.tmp / "db")}
        (self.tmp / MARKER).write_text(json.dumps(meta))
        target = self.cache.path(KIND, self.key)
        try:
            os.rename(self.tmp, target)
        except OSError:  # another start finished the same store first: use that one
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = None
        opened = open_complete(self.cache, self.key, check_limit=None)
        if opened is None:
            raise LoadError(f"{target}: the store just built cannot be opened")
        return opened

    def compact_beside(self) -> None:
        """Start compacting the store (RocksDB's ``optimize``: one core, the GIL released) in a thread, beside the
        description's queries (it changes no triple); :meth:`finish` waits for it."""
        if self.tmp is not None and self.compaction is None:
            self.compaction = Beside(self.store.optimize, "gbagraph-compact")

    def _compacted(self) -> None:
        compaction, self.compaction = self.compaction, None
        if compaction is not None:
            compaction.result()

    def abandon(self) -> None:
        """Drop a build that failed (a parse error, data failing SHACL): nothing of it stays."""
        try:
            self._compacted()
        except (OSError, RuntimeError):
            pass  # the build is dropped anyway
        if self.tmp is None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        else:
            self.store = ox.Store()  # release the on-disk one before removing its files
            gc.collect()
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


#: a store of more bytes than this is opened before its files are checked (the check runs in the background)
CHECK_IN_BACKGROUND_FROM = 512 << 20
#: a ``check_limit`` no store reaches: its files are checked before it is opened
ALWAYS_NOW = 1 << 62


def open_complete(cache: DiskCache, key: str,
                  check_limit: int | None = CHECK_IN_BACKGROUND_FROM) -> tuple[ox.Store, StoreCheck] | None:
    """The complete store ``key`` opened read-only, with what is known of its files; or None (missing; damaged
    or partial ones are removed).  Its files are checked against the marker first, or — above ``check_limit``
    bytes — in the background (``check_limit=None``: not at all, the files were sealed a moment ago)."""
    target = cache.path(KIND, key)
    if not target.exists():
        return None
    try:
        meta = json.loads((target / MARKER).read_text())
        if meta.get("key") != key:
            raise ValueError("marker of another store")
        check = StoreCheck(target, "verified")
        if check_limit is not None and db_bytes(meta) > check_limit:
            check = StoreCheck(target, "verifying")
        elif check_limit is not None:
            problem = db_damage(target / "db", meta)
            if problem:
                raise ValueError(problem)
        store = ox.Store.read_only(str(target / "db"))
        graphs = sum(1 for _ in store.named_graphs())
        if graphs != meta["graphs"]:
            raise ValueError(f"{graphs} named graphs, the marker says {meta['graphs']}")
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        log.warning("store: %s is damaged or incomplete (%s); rebuilding it", target, str(exc).splitlines()[0][:200])
        shutil.rmtree(target, ignore_errors=True)
        return None
    if check.state()["state"] == "verifying":
        check.in_background(meta)
    return store, check


def marker(cache: DiskCache | None, key: str) -> dict[str, Any]:
    if cache is None:
        return {}
    try:
        return cast(dict[str, Any], json.loads((cache.path(KIND, key) / MARKER).read_text()))
    except (OSError, ValueError):
        return {}


# -- the same data for another public URL: a hard-linked copy with its description rewritten ------------------------

def overlaps(public_url: str) -> bool:
    """Whether ``public_url`` and the data's IRIs share a prefix (then only a fresh build names it right)."""
    return public_url.startswith(BASE) or BASE.startswith(public_url)


def _retargeted(quad: ox.Quad, old: str, new: str) -> ox.Quad:
    def term(t: Any) -> Any:
        return ox.NamedNode(new + t.value[len(old):]) if isinstance(t, ox.NamedNode) and t.value.startswith(old) \
            else t
    return ox.Quad(term(quad.subject), quad.predicate, term(quad.object), quad.graph_name)


def retarget(cache: DiskCache, key: str, data_key: str, public_url: str,
             void_graph: str) -> tuple[ox.Store, StoreCheck] | None:
    """The store ``key``, made from a complete store of the same data (``data_key``) built for another public URL:
    copied with hard links (RocksDB's backup: nothing is rewritten, the original is untouched and may go on
    serving), then its description graph ``void_graph`` rewritten to name ``public_url``.  None when there is no
    such store, or when either URL overlaps the data's IRIs."""
    folder = cache.folder / KIND
    if overlaps(public_url) or not folder.is_dir():
        return None
    for candidate in sorted(folder.iterdir()):
        meta = marker(cache, candidate.name)
        old = meta.get("public_url")
        if meta.get("data_key") != data_key or not isinstance(old, str) or overlaps(old) or candidate.name == key:
            continue
        # its files are checked now, whatever its size: the copy's checksums are taken from the copied files
        opened = open_complete(cache, candidate.name, check_limit=ALWAYS_NOW)
        if opened is None:
            continue
        source = opened[0]
        del opened
        sweep(folder)
        tmp = Path(tempfile.mkdtemp(dir=folder, prefix=tmp_prefix()))
        try:
            (tmp / "pid").write_text(str(os.getpid()))
            source.backup(str(tmp / "db"))
            del source
            store = ox.Store(str(tmp / "db"))
            graph = graph_node(void_graph)
            quads = list(store.quads_for_pattern(None, None, None, graph))
            for quad in quads:
                store.remove(quad)
                if not any(not isinstance(q.graph_name, ox.DefaultGraph)
                           for q in store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)):
                    store.remove(ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph()))
            for quad in quads:
                moved = _retargeted(quad, old, public_url)
                store.add(moved)
                store.add(ox.Quad(moved.subject, moved.predicate, moved.object, ox.DefaultGraph()))
            store.flush()
            del store
            gc.collect()
            (tmp / MARKER).write_text(json.dumps({**meta, "key": key, "public_url": public_url,
                                                  "files": db_sums(tmp / "db")}))
            try:
                os.rename(tmp, cache.path(KIND, key))
            except OSError:  # another start made it first
                shutil.rmtree(tmp, ignore_errors=True)
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("store: could not copy %s for %s (%s); building it", candidate.name, public_url, exc)
            shutil.rmtree(tmp, ignore_errors=True)
            return None
        log.info("store: the store built for %s, copied for %s (hard links) with its description rewritten",
                 old, public_url)
        return open_complete(cache, key, check_limit=None)
    return None
