"""The one start-up path every entry point (server, CLI, benchmarks) runs: open a complete store, or build one.

:func:`prepare` opens the complete store of these inputs from the cache (:data:`OPENED`: open → validate →
engine), or builds it (:data:`BUILD`: parse → validate → infer → seal → engine; on a cold start of a big graph
SHACL runs in a child process beside the reasoner, :data:`BUILD_BESIDE`, and the store is sealed only once both
passed).  :func:`validate_only` (``gbagraph validate``) runs the same steps but the engine, so the CLI refuses
exactly what the server refuses.  The data goes straight from the Turtle files into a pyoxigraph store
(:mod:`.oxstore`), on disk in the cache folder: a warm start opens the complete store read-only (its files
checked against the checksums sealed with it) and parses nothing.  Each cached result is keyed on what it
depends on (:mod:`.diskcache`) and checked against its SHA-256 and counts when used: the store on the input
files, the parser and our code; the SHACL verdict on the inputs, the shapes and the SHACL engine; the closure on
the inputs and the reasoner — so editing a page template or a query never rebuilds anything, and a server on
another public URL copies the store (hard links) and rewrites only its description.  A failing disk under the
cache folder costs one line and the cache: the start is done again in memory.  Each step logs one line
(``gbagraph.start``: counts, seconds, whether it came from the cache) and calls the ``hooks`` it was given (the
benchmarks time the steps through them).
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from . import oxstore
from .bundle import GraphBundle
from .config import Settings, public_url
from .diskcache import DiskCache, Inputs, cache_for, code_hash, evict, library_versions, version
from .errors import DiskTrouble, InconsistentGraph, LoadError, ShapeViolation
from .namespaces import BASE, prefixes
from .query import Engine, OxigraphEngine, Policy
from .reason import choose, store_closure
from .validate import (
    ShaclBeside,
    ValidationResult,
    Violation,
    child_result,
    load_shapes,
    ntriples_data,
    shacl_child,
    validate_store,
)
from .void import VOID_GRAPH, dataset_description, graph_size, new_in_union, union_size
from .workers import WorkerPoolEngine

if TYPE_CHECKING:
    from .reference.engine import RdflibEngine

log = logging.getLogger("gbagraph.start")

@dataclass
class StepReport:
    """What one start-up step did: its name, seconds, whether its result came from the cache, and counts."""

    name: str
    seconds: float = 0.0
    cached: bool = False
    counts: dict[str, int | str] = field(default_factory=dict)

    def line(self) -> str:
        told = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return f"{self.name}: {self.seconds:.2f} s{' (cache)' if self.cached else ''}{'; ' + told if told else ''}"


Hook = Callable[[StepReport], None]


@dataclass
class Prepared:
    settings: Settings
    bundle: GraphBundle
    validation: ValidationResult | None
    engine: Engine
    steps: list[StepReport] = field(default_factory=list)
    dumps_folder: Path | None = None  # where big graphs' dumps are written (per store key), if there is a cache
    store_check: oxstore.StoreCheck = field(default_factory=oxstore.StoreCheck)  # what is known of its files
    inputs: Inputs | None = None  # the input files as scanned and hashed by this start

    @property
    def inferred(self) -> Graph:
        return self.bundle.graph("inferred")

    @property
    def store(self) -> ox.Store:
        assert self.bundle.store is not None
        return self.bundle.store


def policy_for(settings: Settings) -> Policy:
    return Policy(service_allowlist=settings.service_allowlist, max_rows=settings.max_result_rows,
                  prefixes=prefixes(), max_result_bytes=settings.max_result_bytes)


def make_engine(settings: Settings, bundle: GraphBundle, *, on_disk: bool = True) -> Engine:
    """The query engine ``settings`` ask for: in worker processes if ``query_workers`` > 0 (they start on
    the first query; ``close()`` the engine, or use it as a context manager, to stop them).  ``on_disk``: the
    bundle's store is on disk (a small one is then copied to memory for queries, see :func:`serving_store`)."""
    if settings.sparql_backend:  # queries go to a remote store; its own server bounds their work
        from .remote import RemoteEngine

        union = settings.sparql_backend_union_graph
        named = tuple(sorted(bundle.graph_counts())) if union else ()  # what `gbagraph push` wrote; no rdflib copy
        return RemoteEngine(settings.sparql_backend, policy_for(settings), timeout=settings.query_timeout,
                            default_graphs=(union,) if union else (), named_graphs=named)
    inner = make_inner_engine(settings, bundle, on_disk=on_disk)
    if settings.query_workers > 0:
        return WorkerPoolEngine.for_settings(inner, settings)
    return inner


def make_inner_engine(settings: Settings, bundle: GraphBundle, *, on_disk: bool = True) -> OxigraphEngine | RdflibEngine:
    """The in-process engine (no timeout, no isolation): what the worker processes run (they inherit the store
    handle when they fork: one store, no copy per process)."""
    policy = policy_for(settings)
    if settings.engine == "rdflib":
        from .reference.engine import RdflibEngine  # the reference path, only as the fallback engine

        return RdflibEngine(bundle.in_memory(), policy)  # rdflib's own engine reads its own store
    if settings.engine == "oxigraph":
        if bundle.store is not None:
            return OxigraphEngine(serving_store(bundle, settings.engine_memory_triples if on_disk else 0), policy)
        return OxigraphEngine.from_dataset(bundle.dataset, policy)
    raise ValueError(f"unknown engine {settings.engine!r} (use 'oxigraph' or 'rdflib')")


def serving_store(bundle: GraphBundle, limit: int) -> ox.Store:
    """The store queries read: an in-memory copy of the bundle's store if its named graphs hold at most ``limit``
    triples (their counts come from the store's marker on a warm start: no scan), else the store itself.

    Oxigraph's in-memory storage evaluates our queries several times faster than its RocksDB storage (query 23 on
    the bundled graph: 9.5 vs 49.5 ms of CPU); the copy is made once, before the server forks, and its processes
    and query workers share it copy-on-write (reading touches some of its pages, which each process then owns:
    at 100k the serving tree's PSS was 455 instead of 154 MB).  The store's own checks stand for the copy's
    (``lenient``)."""
    assert bundle.store is not None
    if limit <= 0 or sum(bundle.graph_counts().values()) > limit:
        return bundle.store
    copy = ox.Store()
    copy.bulk_load(bundle.store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS, lenient=True)
    return copy


# -- the cache keys ----------------------------------------------------------------------------------------------

#: our modules whose code shapes a built store (parsing, provenance, reasoning, description, sealing, the cache)
STORE_CODE = ("oxstore.py", "layout.py", "bundle.py", "namespaces.py", "void.py", "export.py", "query.py", "pipeline.py",
              "reason.py", "compiled.py", "diskcache.py")


def data_key(settings: Settings, inputs: Inputs) -> str:
    """The served data: inputs + parser, and what the derived graphs depend on (reasoner), not the public URL."""
    infer = f"infer={settings.reasoner}/{settings.reasoner_auto_limit};{library_versions('owlrl', 'reasonable')}" \
        if settings.infer else "infer=no"
    return inputs.key(BASE, f"pyoxigraph={version('pyoxigraph')}", infer,
                      f"code={code_hash(*STORE_CODE)}",
                      shapes=False)


def store_key(data: str, url: str) -> str:
    """The served store: the data (:func:`data_key`) and the public URL its description names."""
    return hashlib.sha256(f"{data}\0{url}".encode()).hexdigest()


def validation_key(inputs: Inputs) -> str:
    return inputs.key(BASE, library_versions("pyshacl-turbo", "pyoxigraph"), shapes=True)


def inference_key(inputs: Inputs, reasoner: str) -> str:
    return inputs.key(BASE, reasoner, library_versions("owlrl", "reasonable", "pyoxigraph"), shapes=False)


# -- the cached steps --------------------------------------------------------------------------------------------

def cached_validation(inputs: Inputs, cache: DiskCache | None, report: StepReport) -> ValidationResult | None:
    """The SHACL verdict of an earlier start on these inputs and shapes, if they conformed (a failure is never
    cached)."""
    hit = cache.get_checked("valid", validation_key(inputs), ".json") if cache is not None else None
    if hit is None:
        return None
    try:
        data = json.loads(hit[0])
        result = ValidationResult(conforms=True, shapes=data["shapes"],
                                  violations=[Violation(**{**v, "files": tuple(v["files"])}) for v in data["violations"]])
    except (ValueError, KeyError, TypeError):
        return None
    report.cached = True
    report.counts["shapes"] = result.shapes
    return result


def validate_cached(settings: Settings, inputs: Inputs, cache: DiskCache | None, bundle: GraphBundle,
                    report: StepReport, asserted: Callable[[], bytes] | None = None,
                    checked: ValidationResult | None = None) -> ValidationResult:
    """The SHACL verdict on the asserted graphs (refusing data that does not conform), from the cache when these
    inputs and shapes conformed before.  The engine parses their union as N-Triples (``asserted()``, or read from
    the store): no rdflib copy, no scratch store; or the union was ``checked`` in a child process
    (:class:`ChildValidation`)."""
    hit = cached_validation(inputs, cache, report)
    if hit is not None:
        return hit
    assert bundle.store is not None and inputs.shapes is not None
    union: object
    if checked is None:
        body = asserted() if asserted else oxstore.asserted_ntriples(bundle.store)
        union = ntriples_data(body)  # the engine parses it: no scratch store
        del body
    else:
        union = checked
    result = validate_store(bundle.store, union, load_shapes(inputs.shapes), bundle)
    del union
    report.counts["shapes"] = result.shapes
    report.counts["violations"] = len(result.violations)
    if not result.conforms:  # never cached
        raise ShapeViolation("data does not conform to the SHACL shapes", result.text())
    if cache is not None:
        data = {"shapes": result.shapes,
                "violations": [{**asdict(v), "files": list(v.files)} for v in result.violations]}
        cache.put_checked("valid", validation_key(inputs), json.dumps(data).encode("utf-8"), ".json")
    return result


#: from this many asserted triples a cold start validates in a child process while it reasons (``parallel_start``)
PARALLEL_FROM = 200_000


class ChildValidation:
    """SHACL on the parsed triples (an N-Triples file) in a spawned child process — no store handle is inherited —
    while the start reasons; :meth:`result` waits for it."""

    def __init__(self, ntriples: Path, shapes: Path, folder: Path) -> None:
        self.out = folder / "shacl.json"
        context = multiprocessing.get_context("spawn")
        self.process = context.Process(target=shacl_child, args=(str(ntriples), str(shapes), str(self.out)),
                                       name="gbagraph-shacl", daemon=True)
        self.process.start()

    def result(self, bundle: GraphBundle, report: StepReport) -> ValidationResult | None:
        """The child's result on the union, or None when it failed (the caller validates in-process then)."""
        self.process.join()
        try:
            data = json.loads(self.out.read_text(encoding="utf-8"))
            report.counts["triples"] = data["triples"]
            report.counts["beside infer, s"] = f"{data['seconds']:.2f}"
            return child_result(data, bundle)
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("validate: the SHACL process ended with code %s; validating here instead",
                        self.process.exitcode)
            return None
        finally:
            self.out.unlink(missing_ok=True)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(10)


def infer_cached(settings: Settings, inputs: Inputs, cache: DiskCache | None, body: bytes,
                 report: StepReport) -> bytes:
    """The OWL RL triples the asserted graphs (without links) entail, as N-Triples; from the cache when these
    inputs were reasoned on before (``body``: those triples as N-Triples).  Raises ``InconsistentGraph`` when the
    closure holds a contradiction."""
    name = choose(settings.reasoner, body.count(b"\n"), settings.reasoner_auto_limit)
    report.counts["reasoner"] = name
    key = inference_key(inputs, name) if cache is not None else ""
    hit = cache.get_checked("inferred", key, ".nt") if cache is not None else None
    if hit is not None and isinstance(hit[1].get("errors"), list):  # the body is the one written (checksum, counts)
        body, errors, report.cached = hit[0], list(hit[1]["errors"]), True
    else:
        result = store_closure(body, name)
        body, errors = result.ntriples, result.errors
        if cache is not None:
            cache.put_checked("inferred", key, body, ".nt", reasoner=name, errors=errors,
                              asserted_triples=result.asserted_triples, closure_triples=result.closure_triples)
    if errors:
        raise InconsistentGraph("; ".join(errors))
    report.counts["inferred"] = body.count(b"\n")
    return body


# -- prepare: open a complete store from the cache, or build one ---------------------------------------------------

@dataclass
class Start:
    """What the steps of one start share: the settings, the cache (None: everything in memory), the scanned
    inputs and their keys, the bundle being prepared, and what the steps produced so far."""

    settings: Settings
    cache: DiskCache | None
    inputs: Inputs
    hooks: list[Hook]
    bundle: GraphBundle = field(init=False)
    data: str = field(init=False)  # the data key (inputs, parser, reasoner, our code)
    url: str = field(init=False)  # the public URL the description names
    key: str = field(init=False)  # the store's key: data and URL
    build: oxstore.StoreBuild | None = None  # the store being built (a cold start)
    child: ChildValidation | None = None  # SHACL running in a child process beside the reasoner
    beside: ShaclBeside | None = None  # SHACL running in a thread beside the parse's last bulk loads
    check: oxstore.StoreCheck = field(default_factory=oxstore.StoreCheck)
    validation: ValidationResult | None = None
    union: int | None = None  # triples in the default graph (the union), once the inferred ones are in
    only_inferred: int | None = None  # inferred triples that no asserted graph holds
    engine: Engine | None = None
    done: list[StepReport] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bundle = GraphBundle(sources=_sources(self.inputs))
        self.data, self.url = data_key(self.settings, self.inputs), public_url(self.settings)
        self.key = store_key(self.data, self.url)

    @property
    def store(self) -> ox.Store:
        assert self.bundle.store is not None
        return self.bundle.store

    @property
    def checking(self) -> bool:
        """Whether this start checks the data against the shapes."""
        return self.settings.validate and self.inputs.shapes is not None

    def run(self, steps: Steps) -> None:
        """Run ``steps`` in order: each timed, logged as one line and handed to the hooks (a step returning False
        did nothing worth a line)."""
        for name, step in steps:
            report = StepReport(name)
            began = time.perf_counter()
            if step(self, report) is False:
                continue
            report.seconds = time.perf_counter() - began
            self.done.append(report)
            log.info("%s", report.line())
            for hook in self.hooks:
                hook(report)

    def stop(self) -> None:
        """After a failed step: stop the SHACL child and drop the half-built store (nothing of it is trusted)."""
        if self.child is not None:
            self.child.stop()
            self.child = None
        if self.build is not None:
            self.bundle.store = None
            self.build.abandon()
            self.build = None


Step = Callable[[Start, StepReport], "bool | None"]
Steps = tuple[tuple[str, Step], ...]


def open_store(start: Start, report: StepReport) -> bool:
    """The complete store of these inputs from the cache (its files checked first), or one of the same data built
    for another public URL, copied; False when there is none (then the store is built)."""
    if start.cache is None:
        return False
    limit = start.settings.store_check_sync_mb << 20
    opened = oxstore.open_complete(start.cache, start.key, limit)
    if opened is None:
        opened = oxstore.retarget(start.cache, start.key, start.data, start.url, VOID_GRAPH)
        if opened is not None:
            _share_search_index(start.cache, start.key, start.data)
    if opened is None:
        return False
    start.bundle.store, start.check = opened
    del opened
    start.bundle.set_counts(oxstore.marker(start.cache, start.key).get("counts"))
    report.cached = True
    report.counts["graphs"] = len(start.bundle.graph_counts())
    report.counts["store"] = start.check.state()["state"]
    return True


def _share_search_index(cache: DiskCache, key: str, data: str) -> None:
    """Give a store copied for another public URL the search index of a store of the same data (hard-linked: the
    index holds labels, which name no URL of the server; a file never written once complete)."""
    from .search import INDEX_FILE

    target = cache.path("dumps", key) / INDEX_FILE
    for folder in sorted((cache.folder / oxstore.KIND).iterdir()):
        found = cache.path("dumps", folder.name) / INDEX_FILE
        if folder.name == key or oxstore.marker(cache, folder.name).get("data_key") != data or not found.is_file():
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(found, target)
        except FileExistsError:
            pass
        except OSError as exc:
            log.warning("search: cannot share the index %s (%s); building it", found, exc)
            continue
        return


def parse(start: Start, report: StepReport) -> None:
    """Parse every input file into a new store (in the cache folder's building area, or in memory)."""
    start.build = oxstore.StoreBuild(start.cache, start.key)
    start.build.load(start.inputs, parsed=lambda: _validation_begins(start))
    start.bundle.store = start.build.store
    report.counts["triples"] = start.build.triples
    report.counts["files"] = len(start.inputs.ontology) + len(start.inputs.data)
    report.counts["graphs"] = sum(1 for _ in start.store.named_graphs())


def _validation_begins(start: Start) -> None:
    """Once the parse has written the asserted triples aside (its last bulk loads still running): SHACL begins,
    in a thread (the engine releases the GIL; the other core is the loads'), or with ``parallel_start`` in a child
    process beside the reasoner; not when the verdict is cached."""
    assert start.build is not None
    if not start.checking or cached_validation(start.inputs, start.cache, StepReport("validate")) is not None:
        return
    start.child = _child_validation(start.settings, start.inputs, start.cache, start.build)
    if start.child is None and start.inputs.shapes is not None:
        start.beside = ShaclBeside(start.build.validation, start.inputs.shapes)
        log.info("validate: begins beside the parse's last bulk loads (%d triples parsed)", start.build.triples)


def validate(start: Start, report: StepReport) -> bool:
    """The SHACL gate: refuse data that does not conform (the verdict from the cache, from the child process, or
    computed here on the asserted triples)."""
    if not start.checking:
        return False
    checked = None
    if start.child is not None:
        checked, start.child = start.child.result(start.bundle, report), None
    elif start.beside is not None:
        checked, start.beside = start.beside.result(start.bundle), None
    asserted = start.build.validation_input if start.build is not None else None
    start.validation = validate_cached(start.settings, start.inputs, start.cache, start.bundle, report, asserted,
                                       checked)
    return True


def infer(start: Start, report: StepReport) -> None:
    """Add the OWL RL closure of the asserted triples (without links) as ``graph/inferred`` (refusing an
    inconsistent graph)."""
    if not start.settings.infer:
        return
    assert start.build is not None
    inferred = infer_cached(start.settings, start.inputs, start.cache, start.build.reasoner_input(), report)
    asserted = union_size(start.store)
    oxstore.load_ntriples(start.store, inferred, "inferred")
    start.union = union_size(start.store)
    start.only_inferred = start.union - asserted  # the inferred triples no asserted graph holds (for VoID)


def seal(start: Start, report: StepReport) -> None:
    """Add the default graph's description (VoID), then seal the store: on disk it is closed, its files' checksums
    recorded in its marker, renamed into place and opened read-only."""
    assert start.build is not None
    store = start.store
    start.build.compact_beside()  # RocksDB compacts on the other core while the description is counted
    counts = _graph_counts(start)  # for the description's dump sizes and the marker
    if start.union is None:
        start.union = union_size(store)
    void = dataset_description(store, BASE, start.url, counts, union=start.union,
                               only_inferred=start.only_inferred).serialize(format="nt", encoding="utf-8")
    union = start.union + new_in_union(store, void)
    oxstore.load_ntriples(store, void, VOID_GRAPH)
    counts[oxstore.graph_node(VOID_GRAPH).value] = void.count(b"\n")  # no blank nodes: each line one triple
    start.bundle.set_counts(counts)
    quads = sum(counts.values()) + union
    meta = {"graphs": sum(1 for _ in store.named_graphs()), "counts": counts, "quads": quads, "data_key": start.data,
            "public_url": start.url}
    start.bundle.store = None
    del store  # the build holds the last reference: sealing closes the database
    start.bundle.store, start.check = start.build.finish(meta)
    start.build = None
    report.counts["quads"] = quads
    report.counts["store"] = start.check.state()["state"]


def _graph_counts(start: Start) -> dict[str, int]:
    """Triples per named graph: the asserted ones as counted while parsing (else by a scan), the inferred graph
    counted in the store."""
    assert start.build is not None
    asserted = start.build.graph_counts
    if asserted is None:
        return dict(start.bundle.graph_counts())
    counts = dict(asserted)
    inferred = oxstore.graph_node("inferred")
    if start.settings.infer:
        n = graph_size(start.store, inferred)
        if n:
            counts[inferred.value] = n
    return counts


def engine(start: Start, report: StepReport) -> None:
    """The query engine the settings ask for, over the store."""
    start.engine = make_engine(start.settings, start.bundle, on_disk=start.cache is not None)
    report.cached = start.done[0].cached
    report.counts["quads"] = sum(start.bundle.graph_counts().values())
    report.counts["engine"] = start.engine.name


#: a warm start: the complete store opened from the cache (its first step), then the SHACL gate (a changed shapes
#: file re-validates the store) and the engine
OPENED: Steps = (("open", open_store), ("validate", validate), ("engine", engine))
#: a cold start, step by step
BUILD: Steps = (("parse", parse), ("validate", validate), ("infer", infer), ("seal", seal), ("engine", engine))
#: a cold start of a big graph with ``parallel_start``: SHACL runs in a child process beside the reasoner
BUILD_BESIDE: Steps = (("parse", parse), ("infer", infer), ("validate", validate), ("seal", seal), ("engine", engine))


def _usable_cache(settings: Settings) -> DiskCache | None:
    cache = cache_for(settings)
    if cache is not None:
        problem = cache.writable()
        if problem:
            log.warning("cache folder not writable (%s): starting without the cache", problem)
            return None
    return cache


def _steps(start: Start, serve: bool) -> None:
    """Open a complete store, or build one; the engine last (unless not ``serve``)."""
    start.run(OPENED[:1])
    if start.done:
        steps = OPENED[1:]
    else:
        start.run(BUILD[:1])
        steps = (BUILD_BESIDE if start.child is not None else BUILD)[1:]
    start.run(steps if serve else steps[:-1])


def _run(settings: Settings, hooks: list[Hook] | None, *, serve: bool = True, cached: bool = True) -> Start:
    """A start's steps (``serve=False``: all but the engine; ``cached=False``: in memory); on failure nothing
    half-built stays, and a failing disk is a :class:`DiskTrouble`."""
    begun = time.perf_counter()
    start = Start(settings, _usable_cache(settings) if cached else None, Inputs.scan(settings), list(hooks or []))
    try:
        _steps(start, serve)
    except OSError as exc:
        start.stop()
        raise DiskTrouble(_disk_trouble(start, exc)) from exc
    except BaseException:
        start.stop()
        raise
    cached_steps = [s.name for s in start.done if s.cached]
    log.info("ready in %.2f s: %d quads in %d named graphs; from the cache: %s", time.perf_counter() - begun,
             sum(start.bundle.graph_counts().values()), len(start.bundle.graph_counts()),
             ", ".join(cached_steps) or "nothing")
    if start.cache is not None:
        evict(start.cache, settings.keep_cache_entries, {start.key})
    return start


def prepare(settings: Settings, hooks: list[Hook] | None = None) -> Prepared:
    """Open the complete store of these inputs from the cache, or build it: parse → validate → infer → seal
    (refusing data that fails SHACL or is inconsistent); then the engine.  A failing step leaves nothing a later
    start would trust; a failing disk under the cache folder costs one line and the cache (the start is done
    again in memory)."""
    try:
        start = _run(settings, hooks)
    except DiskTrouble as trouble:
        log.error("%s", trouble)
        start = _run(settings, hooks, cached=False)
    assert start.engine is not None
    dumps = start.cache.path("dumps", start.key) if start.cache is not None else None
    return Prepared(settings, start.bundle, start.validation, start.engine, start.done, dumps, start.check,
                    start.inputs)


def validate_only(settings: Settings, hooks: list[Hook] | None = None) -> ValidationResult:
    """The server's gate without serving (``gbagraph validate``): :func:`prepare`'s steps but the engine — the
    data parsed, checked against the shapes, reasoned on (an inconsistent graph raises), the store sealed — and
    the SHACL verdict.  Raises ``ShapeViolation`` (with the report) for data that does not conform."""
    if not settings.shapes_file.is_file():
        raise LoadError(f"{settings.shapes_file}: no shapes file to validate against")
    try:
        start = _run(settings.with_(validate=True), hooks, serve=False)
    except DiskTrouble as trouble:
        log.error("%s", trouble)
        start = _run(settings.with_(validate=True), hooks, serve=False, cached=False)
    assert start.validation is not None
    return start.validation


def _disk_trouble(start: Start, exc: OSError) -> str:
    """One line: what could not be written, why, and the room a build needs there."""
    folder = start.cache.folder if start.cache is not None else Path(tempfile.gettempdir())
    step = next((name for name, _ in BUILD if name not in {s.name for s in start.done}), "build")
    why = exc.strerror or " ".join(str(exc).split())[:200]
    where = f" ({exc.filename})" if exc.filename else ""
    try:
        free = f", {shutil.disk_usage(folder).free / 1e6:.0f} MB free"
    except OSError:
        free = ""
    return (f"disk: cannot write the store being built in {folder} (step '{step}'){where}: {why}; a build of these "
            f"inputs needs about {build_room(start.inputs) / 1e6:.0f} MB there{free}: starting from memory instead")


#: the room a build takes on disk at its peak per byte of Turtle input (measured: 10.9 MB for 1.24 MB of input)
BUILD_ROOM_PER_INPUT_BYTE = 10


def build_room(inputs: Inputs) -> int:
    """About how many bytes a build of ``inputs`` writes at its peak (store and scratch files)."""
    return BUILD_ROOM_PER_INPUT_BYTE * sum(p.stat().st_size for p in inputs.files(shapes=False))


def _child_validation(settings: Settings, inputs: Inputs, cache: DiskCache | None,
                      build: oxstore.StoreBuild | None) -> ChildValidation | None:
    """SHACL in a child process, when a big graph is being built on disk and its verdict is not cached."""
    if build is None or build.tmp is None or inputs.shapes is None or not settings.parallel_start \
            or build.triples < PARALLEL_FROM or cached_validation(inputs, cache, StepReport("validate")) is not None:
        return None
    return ChildValidation(build.validation, inputs.shapes, build.tmp)


def _sources(inputs: Inputs) -> dict[str, list[Path]]:
    from .namespaces import graph_iri

    out: dict[str, list[Path]] = {graph_iri(BASE, "ontology"): list(inputs.ontology)}
    for name, path, _para in inputs.data:
        out[graph_iri(BASE, name)] = [path]
    return out
