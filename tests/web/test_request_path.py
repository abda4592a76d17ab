"""The request path does each job once.

What a client can see is tested as behaviour: an answer from the cache is the very answer evaluated before (a
query with ``STRUUID()`` gives a new value on every evaluation), and a revalidation evaluates and keeps nothing.
What no client can see is pinned by counting calls, and only that: the query text is lexed once per request (one
tokenizer pass) and not at all when the same text came recently, the answer format negotiated once (one MIMEAccept
walk the first time an Accept header is seen, none after), and a SELECT past the row limit is evaluated once."""

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
    app.extensions["gbagraph"].response_cache.clear()
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
    conneg.accepted_format.cache_clear()  # the choice per Accept header is remembered: start with none
    sparqltext.forget_lexed()  # so is the lexing of a recent text
    return counted


FRESH = "SELECT (STRUUID() AS ?u) WHERE {}"  # a new value on every evaluation


def _uuid(response: requests.Response) -> str:
    return response.json()["results"]["bindings"][0]["u"]["value"]


def test_a_cached_answer_is_the_one_evaluated_before(inprocess: str) -> None:
    json_accept = {"Accept": "application/sparql-results+json"}
    first = requests.get(inprocess, params={"query": FRESH}, headers=json_accept, timeout=TIMEOUT)
    again = requests.get(inprocess, params={"query": FRESH + "  # the same query, laid out otherwise"},
                         headers=json_accept, timeout=TIMEOUT)
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("miss", "hit")
    assert _uuid(again) == _uuid(first)  # not evaluated again
    other = requests.get(inprocess, params={"query": FRESH}, headers={"Accept": "text/csv"}, timeout=TIMEOUT)
    assert other.headers["X-Cache"] == "miss" and _uuid(first) not in other.text  # another format: evaluated


def test_a_revalidation_evaluates_and_keeps_nothing(served: tuple[str, Flask]) -> None:
    url, app = served
    json_accept = {"Accept": "application/sparql-results+json"}
    first = requests.get(url, params={"query": FRESH}, headers=json_accept, timeout=TIMEOUT)
    app.extensions["gbagraph"].response_cache.clear()  # the answer is gone; its ETag is still known before evaluation
    revalidated = requests.get(url, params={"query": FRESH}, timeout=TIMEOUT,
                               headers={**json_accept, "If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.headers["ETag"] == first.headers["ETag"]
    after = requests.get(url, params={"query": FRESH}, headers=json_accept, timeout=TIMEOUT)
    assert after.headers["X-Cache"] == "miss"  # the 304 kept no answer …
    assert _uuid(after) != _uuid(first)  # … and this one is evaluated afresh


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

    # the same text and Accept header again: its remembered lexing and format choice, no second pass or walk
    calls.clear()
    again = requests.request(method, inprocess, headers={"Accept": accept}, timeout=TIMEOUT, **send)
    assert again.headers["X-Cache"] == "hit" and again.content == first.content
    assert calls == {"query_format": 1}, calls

    calls.clear()
    revalidated = requests.request(method, inprocess, timeout=TIMEOUT, **send,
                                   headers={"Accept": accept, "If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304
    assert calls == {"query_format": 1}, calls

    calls.clear()  # another text (one more space) is lexed
    other = {k: {"query": query + " "} for k in send}
    assert requests.request(method, inprocess, headers={"Accept": accept}, timeout=TIMEOUT, **other).status_code == 200
    assert calls == {"lex": 1, "scan": 1, "query_format": 1}, calls


def test_format_parameter_needs_no_accept_walk(inprocess: str, calls: Counter[str]) -> None:
    r = requests.get(inprocess, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "format": "tsv"},
                     timeout=TIMEOUT)
    assert r.headers["Content-Type"].startswith("text/tab-separated-values")
    assert calls == {"lex": 1, "scan": 1, "query_format": 1}, calls


def test_a_large_select_is_evaluated_once(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SELECT past the row limit is refused after one evaluation (its rows are counted from the answer).  A pin:
    a second evaluation would change no answer, only the cost."""
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
