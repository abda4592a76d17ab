"""The request path does each job once: per /sparql request the query text is lexed once (one tokenizer pass) and
the answer format negotiated once, however the answer is reached (evaluated, from the cache, 304)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from gbagraph import settings, sparqltext
from gbagraph.web import conneg, create_app

from .conftest import run_server, stop_server

TIMEOUT = 30


@pytest.fixture(scope="module")
def served(mini_root: Path) -> Iterator[tuple[str, Flask]]:
    """The mini fixture served with the engine in this process (no query workers): every call is seen here."""
    app = create_app(settings(root=mini_root, query_workers=0))
    url, srv, thread = run_server(app)
    yield url + "sparql", app
    stop_server(app, srv, thread)


@pytest.fixture()
def inprocess(served: tuple[str, Flask]) -> str:
    """The endpoint, its response cache emptied."""
    url, app = served
    app.extensions["gbagraph_cache"].clear()
    return url


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count calls of the lexer, its tokenizer and the negotiators (wrapped where every caller looks them up)."""
    counted: Counter[str] = Counter()

    def spy(module: object, name: str) -> None:
        real: Callable = getattr(module, name)

        def wrapper(*args, **kwargs):
            counted[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    spy(sparqltext, "lex")
    spy(sparqltext, "scan")
    spy(conneg, "query_format")
    spy(conneg, "negotiate")
    return counted


QUERIES = {
    "select": ("SELECT ?s ?c WHERE { ?s a ?c } ORDER BY ?s LIMIT 3", "text/csv"),
    "ask": ("ASK { ?s ?p ?o }", "application/sparql-results+xml"),
    "construct": ("PREFIX ex: <http://example.org/> CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3",
                  "application/n-triples"),
    "describe": ("DESCRIBE ?s WHERE { ?s a ?c } LIMIT 1", "application/ld+json"),
}


@pytest.mark.parametrize("name", list(QUERIES))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_one_lex_and_one_negotiation_per_request(inprocess: str, calls: Counter[str], name: str,
                                                 method: str) -> None:
    query, accept = QUERIES[name]
    send = {"params": {"query": query}} if method == "GET" else {"data": {"query": query}}
    first = requests.request(method, inprocess, headers={"Accept": accept}, timeout=TIMEOUT, **send)
    assert first.status_code == 200, first.text
    assert first.headers["Content-Type"].startswith(accept)
    assert first.headers["X-Cache"] == "miss"
    assert calls == {"lex": 1, "scan": 1, "query_format": 1, "negotiate": 1}, calls

    calls.clear()
    again = requests.request(method, inprocess, headers={"Accept": accept}, timeout=TIMEOUT, **send)
    assert again.headers["X-Cache"] == "hit" and again.content == first.content
    assert calls == {"lex": 1, "scan": 1, "query_format": 1, "negotiate": 1}, calls

    calls.clear()
    revalidated = requests.request(method, inprocess, timeout=TIMEOUT, **send,
                                   headers={"Accept": accept, "If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304
    assert calls == {"lex": 1, "scan": 1, "query_format": 1, "negotiate": 1}, calls


def test_format_parameter_needs_no_accept_walk(inprocess: str, calls: Counter[str]) -> None:
    r = requests.get(inprocess, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "format": "tsv"},
                     timeout=TIMEOUT)
    assert r.headers["Content-Type"].startswith("text/tab-separated-values")
    assert calls == {"lex": 1, "scan": 1, "query_format": 1}, calls


def test_a_large_select_is_evaluated_once(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SELECT past the row limit is refused after one evaluation (its rows are counted from the answer)."""
    from gbagraph import prepare
    from gbagraph.errors import ResultTooLarge
    from gbagraph.query import QueryRequest

    prepared = prepare(settings(root=mini_root, query_workers=0, max_result_rows=3))
    engine = prepared.engine
    evaluations = Counter[str]()
    real_query = type(engine.store).query

    class CountingStore:
        def __init__(self, store) -> None:
            self.store = store

        def query(self, *args, **kwargs):
            evaluations["query"] += 1
            return real_query(self.store, *args, **kwargs)

    monkeypatch.setattr(engine, "store", CountingStore(engine.store))
    for fmt in ("json", "xml", "csv", "tsv"):
        evaluations.clear()
        with pytest.raises(ResultTooLarge):
            engine.answer(QueryRequest("SELECT * WHERE { ?s ?p ?o }", format=fmt))
        assert evaluations["query"] == 1, fmt
        evaluations.clear()
        answer = engine.answer(QueryRequest("SELECT * WHERE { ?s ?p ?o } LIMIT 3", format=fmt))
        assert evaluations["query"] == 1 and answer.kind == "SELECT"
