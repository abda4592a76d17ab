"""Which store the query engine reads: a graph of up to ``engine_memory_triples`` triples from an in-memory copy of
the built (on-disk) store, made once, with the same answers; a bigger one from the on-disk store itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from gbagraph.config import Settings
from gbagraph.pipeline import prepare
from gbagraph.query import OxigraphEngine, QueryRequest

QUERIES = {
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o": "json",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g": "csv",
    "ASK { ?s a ?c }": "xml",
}


def _engine(settings: Settings, cache: Path, **options: object) -> tuple[OxigraphEngine, object]:
    prepared = prepare(settings.with_(query_workers=0, cache_dir=str(cache), **options))
    assert isinstance(prepared.engine, OxigraphEngine)
    return prepared.engine, prepared.bundle.store


def test_a_small_graph_is_queried_from_memory_with_the_same_answers(mini_settings: Settings, tmp_path: Path) -> None:
    engine, on_disk = _engine(mini_settings, tmp_path)
    assert engine.store is not on_disk
    assert len(engine.store) == len(on_disk)  # type: ignore[arg-type]
    disk_engine = OxigraphEngine(on_disk, engine.policy)  # type: ignore[arg-type]
    for query, fmt in QUERIES.items():
        request = QueryRequest(query, format=fmt)
        assert engine.answer(request).body == disk_engine.answer(request).body, query


@pytest.mark.parametrize("limit", [0, 1])
def test_a_graph_over_the_limit_is_queried_on_disk(mini_settings: Settings, tmp_path: Path, limit: int) -> None:
    engine, on_disk = _engine(mini_settings, tmp_path, engine_memory_triples=limit)
    assert engine.store is on_disk


def test_a_store_built_in_memory_is_not_copied(mini_settings: Settings) -> None:
    prepared = prepare(mini_settings.with_(query_workers=0, cache=False))
    assert isinstance(prepared.engine, OxigraphEngine)
    assert prepared.engine.store is prepared.bundle.store
