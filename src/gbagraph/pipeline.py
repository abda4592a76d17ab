"""Load → validate → infer → query engine: the steps every entry point (CLI, web) runs once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from .config import Settings
from .infer import InferenceResult, require_consistent
from .namespaces import prefixes
from .query import Engine, OxigraphEngine, Policy, RdflibEngine
from .reason import infer_cached, validate_cached
from .store import GraphBundle, load
from .validate import ValidationResult
from .void import DEFAULT_PUBLIC_URL, VOID_GRAPH, dataset_description
from .workers import WorkerPoolEngine


@dataclass
class Prepared:
    settings: Settings
    bundle: GraphBundle
    validation: ValidationResult | None
    inference: InferenceResult | None
    engine: Engine

    @property
    def inferred(self) -> Graph:
        return self.bundle.graph("inferred")


def policy_for(settings: Settings) -> Policy:
    return Policy(service_allowlist=settings.service_allowlist, max_rows=settings.max_result_rows,
                  prefixes=prefixes(), max_result_bytes=settings.max_result_bytes)


def make_engine(settings: Settings, bundle: GraphBundle) -> Engine:
    """The query engine ``settings`` ask for: in worker processes if ``query_workers`` > 0 (they start on
    the first query; ``close()`` the engine, or use it as a context manager, to stop them)."""
    if settings.sparql_backend:  # queries go to a remote store; its own server bounds their work
        from .remote import RemoteEngine

        union = settings.sparql_backend_union_graph
        named = tuple(sorted(str(g.identifier) for g in bundle.dataset.graphs()  # what `gbagraph push` wrote
                             if len(g) and not str(g.identifier).startswith("urn:x-rdflib:"))) if union else ()
        return RemoteEngine(settings.sparql_backend, policy_for(settings), timeout=settings.query_timeout,
                            default_graphs=(union,) if union else (), named_graphs=named)
    inner = make_inner_engine(settings, bundle)
    if settings.query_workers > 0:
        return WorkerPoolEngine.for_settings(inner, settings)
    return inner


def make_inner_engine(settings: Settings, bundle: GraphBundle) -> OxigraphEngine | RdflibEngine:
    """The in-process engine (no timeout, no isolation): what the worker processes run."""
    policy = policy_for(settings)
    if settings.engine == "rdflib":
        return RdflibEngine(bundle.dataset, policy)
    if settings.engine == "oxigraph":
        return OxigraphEngine.from_dataset(bundle.dataset, policy)
    raise ValueError(f"unknown engine {settings.engine!r} (use 'oxigraph' or 'rdflib')")


def prepare(settings: Settings) -> Prepared:
    """Load the graph, refuse it if it fails SHACL or is inconsistent, add inferences, build the engine."""
    bundle = load(settings)
    # the SHACL verdict and the closure are cached on disk by the hash of their inputs (see reason.py)
    validation = validate_cached(settings, bundle) if settings.validate else None
    inference = None
    if settings.infer:
        asserted = bundle.asserted(links=False)
        _reasoner, inference = infer_cached(settings, asserted)
        require_consistent(inference, asserted)
        bundle.graph("inferred").__iadd__(inference.inferred)
    # the dataset describes itself (VoID + DCAT) in graph/void, counted over the other graphs
    bundle.graph(VOID_GRAPH).__iadd__(dataset_description(bundle, settings.public_url or DEFAULT_PUBLIC_URL))
    return Prepared(settings, bundle, validation, inference, make_engine(settings, bundle))
