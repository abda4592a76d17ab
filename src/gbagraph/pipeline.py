"""Parse → validate → infer → engine: the steps every entry point (CLI, web, benchmarks) runs once at start-up.

:func:`prepare` is the only place they run, in that order (on a cold start of a big graph, SHACL runs in a child
process beside the reasoner — both only read the parsed triples — and the store is sealed only once both passed).
The data goes straight from the Turtle files into a pyoxigraph store (:mod:`.oxstore`), on disk in the cache
folder: a warm start opens the complete store read-only and parses nothing.  Each step keys its cache entry on
what it depends on (:mod:`.diskcache`): the store on the input files and the parser; the SHACL verdict on the
inputs, the shapes and the SHACL engine; the closure on the inputs and the reasoner — so editing a page template
or a query never rebuilds anything, and a server on another public URL copies the store (hard links) and
rewrites only its description.  Each step logs one line (``gbagraph.start``: counts, seconds, whether it came
from the cache) and calls the ``hooks`` it was given (the benchmarks time the steps through them).
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import multiprocessing
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from . import oxstore
from .config import Settings
from .diskcache import DiskCache, Inputs, cache_for, code_hash, library_versions, version
from .errors import InconsistentGraph, ShapeViolation
from .namespaces import BASE, prefixes
from .query import Engine, OxigraphEngine, Policy, RdflibEngine
from .reason import choose, store_closure
from .store import GraphBundle
from .validate import ValidationResult, Violation, child_result, load_shapes, shacl_child, validate_store
from .void import DEFAULT_PUBLIC_URL, VOID_GRAPH, dataset_description
from .workers import WorkerPoolEngine

log = logging.getLogger("gbagraph.start")

STEPS = ("parse", "validate", "infer", "engine")


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


def make_engine(settings: Settings, bundle: GraphBundle) -> Engine:
    """The query engine ``settings`` ask for: in worker processes if ``query_workers`` > 0 (they start on
    the first query; ``close()`` the engine, or use it as a context manager, to stop them)."""
    if settings.sparql_backend:  # queries go to a remote store; its own server bounds their work
        from .remote import RemoteEngine

        union = settings.sparql_backend_union_graph
        named = tuple(sorted(bundle.graph_counts())) if union else ()  # what `gbagraph push` wrote; no rdflib copy
        return RemoteEngine(settings.sparql_backend, policy_for(settings), timeout=settings.query_timeout,
                            default_graphs=(union,) if union else (), named_graphs=named)
    inner = make_inner_engine(settings, bundle)
    if settings.query_workers > 0:
        return WorkerPoolEngine.for_settings(inner, settings)
    return inner


def make_inner_engine(settings: Settings, bundle: GraphBundle) -> OxigraphEngine | RdflibEngine:
    """The in-process engine (no timeout, no isolation): what the worker processes run (they inherit the store
    handle when they fork: one store, no copy per process)."""
    policy = policy_for(settings)
    if settings.engine == "rdflib":
        return RdflibEngine(bundle.in_memory(), policy)  # rdflib's own engine reads its own store
    if settings.engine == "oxigraph":
        if bundle.store is not None:
            return OxigraphEngine(bundle.store, policy)
        return OxigraphEngine.from_dataset(bundle.dataset, policy)
    raise ValueError(f"unknown engine {settings.engine!r} (use 'oxigraph' or 'rdflib')")


# -- the cache keys ----------------------------------------------------------------------------------------------

#: our modules whose code shapes a built store (parsing, provenance, reasoning, description, sealing, the cache)
STORE_CODE = ("oxstore.py", "store.py", "namespaces.py", "void.py", "query.py", "pipeline.py", "reason.py",
              "infer.py", "diskcache.py")


def data_key(settings: Settings, inputs: Inputs) -> str:
    """The served data: inputs + parser, and what the derived graphs depend on (reasoner), not the public URL."""
    infer = f"infer={settings.reasoner}/{settings.reasoner_auto_limit};{library_versions('owlrl', 'reasonable')}" \
        if settings.infer else "infer=no"
    return inputs.key(BASE, f"pyoxigraph={version('pyoxigraph')}", infer,
                      f"code={code_hash(*STORE_CODE)}",
                      shapes=False)


def public_url(settings: Settings) -> str:
    return settings.public_url or DEFAULT_PUBLIC_URL


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
    inputs and shapes conformed before.  The engine reads a scratch store holding their union (``asserted()``, or
    read from the store): no rdflib copy; or the union was ``checked`` in a child process (:class:`ChildValidation`)."""
    hit = cached_validation(inputs, cache, report)
    if hit is not None:
        return hit
    assert bundle.store is not None and inputs.shapes is not None
    union: ox.Store | ValidationResult
    if checked is None:
        union = ox.Store()
        body = asserted() if asserted else oxstore.asserted_ntriples(bundle.store)
        union.bulk_load(body, format=ox.RdfFormat.N_TRIPLES)
        del body
        report.counts["triples"] = len(union)
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


#: from this many asserted triples the rule reasoner works on disk (in the store's building folder)
RULES_ON_DISK = 3_000_000


def infer_cached(settings: Settings, inputs: Inputs, cache: DiskCache | None, body: bytes,
                 report: StepReport, workdir: Path | None = None) -> bytes:
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
        triples = body.count(b"\n")
        result = store_closure(body, name, workdir if workdir and triples >= RULES_ON_DISK else None)
        body, errors = result.ntriples, result.errors
        if cache is not None:
            cache.put_checked("inferred", key, body, ".nt", reasoner=name, errors=errors,
                              asserted_triples=result.asserted_triples, closure_triples=result.closure_triples)
    if errors:
        raise InconsistentGraph("; ".join(errors))
    report.counts["inferred"] = body.count(b"\n")
    return body


# -- prepare ------------------------------------------------------------------------------------------------------

class _Steps:
    def __init__(self, hooks: list[Hook]) -> None:
        self.hooks = hooks
        self.done: list[StepReport] = []

    @contextmanager
    def step(self, name: str) -> Iterator[StepReport]:
        report = StepReport(name)
        start = time.perf_counter()
        yield report
        report.seconds = time.perf_counter() - start
        self.done.append(report)
        log.info("%s", report.line())
        for hook in self.hooks:
            hook(report)


def _usable_cache(settings: Settings) -> DiskCache | None:
    cache = cache_for(settings)
    if cache is not None:
        problem = cache.writable()
        if problem:
            log.warning("cache folder not writable (%s): starting without the cache", problem)
            return None
    return cache


def prepare(settings: Settings, hooks: list[Hook] | None = None) -> Prepared:
    """Parse the data into the store, refuse it if it fails SHACL or is inconsistent, add the inferences and
    the dataset description, build the engine.  A failing step leaves nothing a later start would trust."""
    steps = _Steps(list(hooks or []))
    total = time.perf_counter()
    cache = _usable_cache(settings)
    inputs = Inputs.scan(settings)
    bundle = GraphBundle(sources=_sources(inputs))
    build: oxstore.StoreBuild | None = None
    child: ChildValidation | None = None
    try:
        with steps.step("parse") as report:
            data, url = data_key(settings, inputs), public_url(settings)
            key = store_key(data, url)
            opened = _cached_store(settings, cache, key, data, url)
            if opened is None:
                build = oxstore.StoreBuild(cache, key)
                build.load(inputs)
                store = build.store
                report.counts["triples"] = build.triples
            else:
                store, check = opened
                del opened
                report.cached = True
                bundle.set_counts(oxstore.marker(cache, key).get("counts"))
            bundle.store = store
            report.counts["files"] = len(inputs.ontology) + len(inputs.data)
            report.counts["graphs"] = sum(1 for _ in store.named_graphs())
        validation = None
        checking = settings.validate and inputs.shapes is not None
        child = _child_validation(settings, inputs, cache, build) if checking else None  # joined after infer
        if checking and child is None:
            with steps.step("validate") as report:
                validation = validate_cached(settings, inputs, cache, bundle, report,
                                             build.validation_input if build else None)
        with steps.step("infer") as report:
            if build is None:
                report.cached = True
                report.counts["inferred"] = bundle.graph_counts().get(oxstore.graph_node("inferred").value, 0)
            elif settings.infer:
                workdir = build.tmp / "reasoning" if build.tmp else None
                inferred = infer_cached(settings, inputs, cache, build.reasoner_input(), report, workdir)
                if workdir is not None:  # the rules' scratch store is closed by now
                    gc.collect()
                    shutil.rmtree(workdir, ignore_errors=True)
                oxstore.load_ntriples(store, inferred, "inferred")
                del inferred
        if child is not None:
            with steps.step("validate") as report:
                checked = child.result(bundle, report)
                child = None
                assert build is not None
                validation = validate_cached(settings, inputs, cache, bundle, report, build.validation_input, checked)
        with steps.step("engine") as report:
            if build is not None:  # the default graph (the union) and the description, then seal the store
                void = dataset_description(store, BASE, url)
                oxstore.load_ntriples(store, void.serialize(format="nt", encoding="utf-8"), VOID_GRAPH)
                bundle.store = store
                meta = {"graphs": sum(1 for _ in store.named_graphs()), "counts": bundle.graph_counts(),
                        "quads": len(store), "data_key": data, "public_url": url}
                bundle.store = None
                del store  # the build holds the last reference: sealing closes the database
                store, check = build.finish(meta)
                build = None
            else:
                report.cached = True
            bundle.store = store
            engine = make_engine(settings, bundle)
            report.counts["quads"] = sum(bundle.graph_counts().values())
            report.counts["engine"] = engine.name
    except BaseException:
        if child is not None:
            child.stop()
        if build is not None:
            bundle.store = None
            build.abandon()
        raise
    cached = [s.name for s in steps.done if s.cached]
    log.info("ready in %.2f s: %d quads in %d named graphs; from the cache: %s", time.perf_counter() - total,
             steps.done[-1].counts["quads"], len(bundle.graph_counts()), ", ".join(cached) or "nothing")
    dumps = cache.path("dumps", key) if cache is not None else None
    return Prepared(settings, bundle, validation, engine, steps.done, dumps, check)


def _cached_store(settings: Settings, cache: DiskCache | None, key: str, data: str,
                  url: str) -> tuple[ox.Store, oxstore.StoreCheck] | None:
    """The complete store ``key`` from the cache (its files checked), or one of the same ``data`` built for another
    public URL, copied."""
    if cache is None:
        return None
    return oxstore.open_complete(cache, key, settings.store_check_sync_mb << 20) \
        or oxstore.retarget(cache, key, data, url, VOID_GRAPH)


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
