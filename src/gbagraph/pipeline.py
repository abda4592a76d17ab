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
                  prefixes=prefixes(settings.base_iri))


def make_engine(settings: Settings, bundle: GraphBundle) -> Engine:
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
        asserted = bundle.asserted()
        _reasoner, inference = infer_cached(settings, asserted)
        require_consistent(inference, asserted)
        bundle.graph("inferred").__iadd__(inference.inferred)
    return Prepared(settings, bundle, validation, inference, make_engine(settings, bundle))
