"""Recursion the engine cannot take is refused with a 400 before any parser sees it.

Oxigraph's parser is recursive: besides deep brackets (``test_workers.py``), long chains of unary operators,
binary operators, path steps, ``OPTIONAL``/``UNION``/``MINUS`` or collection members overflow its stack and the
process dies (SIGSEGV) — each query below does, unguarded, at a size within the default length limit.  They go
through a real worker pool, so that a guard that lets one through costs a worker (``WorkerCrashed``), not the
test run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gbagraph.errors import QueryError
from gbagraph.guard import MAX_CHAIN
from gbagraph.query import OxigraphEngine, QueryRequest
from gbagraph.sparqltext import lex
from gbagraph.workers import WorkerPoolEngine

#: name -> a query that crashes pyoxigraph 0.5 (sizes a little past the measured crash points)
CRASHING = {
    "not": "SELECT * WHERE { FILTER(" + "!" * 20_000 + "true) }",
    "sum": "SELECT (" + "+".join(["1"] * 10_000) + " AS ?x) WHERE { }",
    "or": "SELECT * WHERE { FILTER(" + "||".join(["1"] * 12_000) + ") }",
    "path-sequence": "PREFIX : <http://example.org/> SELECT * WHERE { ?s " + "/".join([":p"] * 16_000) + " ?o }",
    "path-alternative": "PREFIX : <http://example.org/> SELECT * WHERE { ?s " + "|".join([":p"] * 12_000) + " ?o }",
    "optional": "SELECT * WHERE { " + "OPTIONAL{} " * 7_000 + "}",
    "union": "SELECT * WHERE { " + "UNION".join(["{}"] * 7_000) + " }",
    "minus": "SELECT * WHERE { " + "MINUS{} " * 3_000 + "}",
    "filters": "SELECT * WHERE { " + "FILTER(1) " * 9_700 + "}",
    "collection": "SELECT * WHERE { ?s <http://example.org/p> (" + " 1" * 6_000 + " ) }",
}

#: long but harmless: typed literals, argument lists, VALUES rows, a realistic chain of alternatives
HARMLESS = {
    "typed-values": "SELECT ?x WHERE { VALUES ?x {" + ' "1"^^<http://www.w3.org/2001/XMLSchema#integer>' * 2_000 + " } }",
    "in-list": "SELECT * WHERE { FILTER(1 IN (" + ", ".join(["1"] * 5_000) + ")) }",
    "values-rows": "SELECT * WHERE { VALUES (?a ?b) {" + " (1 2)" * 3_000 + " } }",
    "signed-values": "SELECT ?x WHERE { VALUES ?x {" + " -1 +2" * 3_000 + " } }",
    "alternatives": "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(150)) + ") }",
    "optionals": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o } " * 30 + "}",
}


@pytest.fixture(scope="module")
def pool(ox_engine: OxigraphEngine) -> Iterator[WorkerPoolEngine]:
    with WorkerPoolEngine(ox_engine, workers=1, timeout=20.0) as engine:
        yield engine


@pytest.mark.parametrize("name", list(CRASHING))
def test_long_operator_chains_are_refused_before_the_parser(pool: WorkerPoolEngine, name: str) -> None:
    query = CRASHING[name]
    assert len(query) < 100_000  # within the default max_query_length: only the guard stands in the way
    with pytest.raises(QueryError, match=r"chains operators \d+ deep .* the limit is 1000") as caught:
        pool.answer(QueryRequest(query))  # without the guard: WorkerCrashed (SIGSEGV)
    assert caught.value.status == 400


@pytest.mark.parametrize("name", list(HARMLESS))
def test_long_harmless_queries_are_answered(pool: WorkerPoolEngine, name: str) -> None:
    assert lex(HARMLESS[name]).readings[0].chain <= MAX_CHAIN
    assert pool.answer(QueryRequest(HARMLESS[name])).kind == "SELECT"


@pytest.mark.parametrize(("text", "chain"), [
    ("SELECT ?s WHERE { ?s ?p ?o }", 0),
    ("SELECT ?s WHERE { FILTER(!!!true) }", 4),  # FILTER and three negations
    ("SELECT ?s WHERE { ?s ?p \"1\"^^<http://x> }", 0),  # a typed literal's ^^ is no operator
    ("SELECT ?s WHERE { ?s ^<p>/<q>|<r> ?o }", 3),
    ("SELECT ?s WHERE { FILTER(?a || ?b && ?c) }", 3),  # || and && are one operator each
    ("SELECT ?s WHERE { ?s <p> (1 2 3) }", 2),  # members after the first
    ("SELECT ?s WHERE { {} UNION {} OPTIONAL {} }", 8),
    ("SELECT ?s WHERE { { FILTER(!true) } { FILTER(!true) } }", 2),  # a closed bracket's chain ends with it
])
def test_chain_counts(text: str, chain: int) -> None:
    assert lex(text).readings[0].chain == chain
