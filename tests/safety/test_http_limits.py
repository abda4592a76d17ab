"""Every limit of the endpoint over HTTP, set through the environment (``GBAGRAPH_*``) of ``gbagraph serve`` on
127.0.0.1, or through ``Settings`` for the concurrency limit; each test fails if its protection is removed."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from load.server import Server, call, start
from werkzeug.serving import make_server

from gbagraph import QueryRequest, settings
from gbagraph.web import create_app

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
JSON = "application/sparql-results+json"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
COUNTED = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"

LIMITS = {
    "GBAGRAPH_MAX_BODY_BYTES": "3000",
    "GBAGRAPH_MAX_QUERY_LENGTH": "5000",   # longer than the body limit: each limit is seen on its own
    "GBAGRAPH_MAX_RESULT_ROWS": "50",
    "GBAGRAPH_MAX_RESULT_BYTES": "12500",  # 50 rows as JSON fit (11.8 kB), 45 as XML do not
    "GBAGRAPH_RESPONSE_CACHE_MB": "0",
}


@pytest.fixture(scope="module")
def srv() -> Iterator[Server]:
    server = start(MINI, env=LIMITS)
    try:
        yield server
    finally:
        server.stop()


def get(port: int, text: str, accept: str = JSON) -> tuple[int, dict[str, str], bytes, float]:
    return call(port, "GET", "/sparql?" + urlencode({"query": text}), headers={"Accept": accept})


def test_the_server_has_more_than_the_row_limit(srv: Server) -> None:
    """(The premise of the result tests: the mini graph holds more triples than the limit.)"""
    assert srv.health()["triples"] > 2 * int(LIMITS["GBAGRAPH_MAX_RESULT_ROWS"])


def test_body_over_the_limit_is_413(srv: Server) -> None:
    short = "ASK { ?s ?p ?o }"
    form = urlencode({"query": short, "padding": "x" * 3500}).encode()  # the query itself is short
    status, headers, body, _ = call(srv.port, "POST", "/sparql", form,
                                    {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and headers["content-type"].startswith("text/plain"), body
    direct = (short + " #" + "x" * 3200).encode()  # under the query length limit, over the body limit
    status, _, body, _ = call(srv.port, "POST", "/sparql", direct, {"Content-Type": "application/sparql-query"})
    assert status == 413 and b"3000" in body, body
    # just under: answered
    status, _, _, _ = call(srv.port, "POST", "/sparql", (short + " #" + "x" * 2000).encode(),
                           {"Content-Type": "application/sparql-query"})
    assert status == 200


def test_body_limit_holds_without_content_length(srv: Server) -> None:
    """A chunked body has no Content-Length to check up front: it is cut off while read."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        chunks = iter([b"ASK { ?s ?p ?o } #", b"x" * 2000, b"x" * 2000])
        conn.request("POST", "/sparql", body=chunks, headers={"Content-Type": "application/sparql-query"},
                     encode_chunked=True)
        response = conn.getresponse()
        assert response.status == 413, response.read()
    finally:
        conn.close()


def test_query_over_the_length_limit_is_413(srv: Server) -> None:
    long = "ASK { ?s ?p ?o } #" + "x" * 5000  # a GET: no body, only the query length limit applies
    status, _, body, _ = get(srv.port, long)
    assert status == 413 and b"characters" in body and b"5000" in body, body
    status, _, _, _ = get(srv.port, "ASK { ?s ?p ?o } #" + "x" * 4900)
    assert status == 200


@pytest.mark.parametrize("accept", [JSON, "text/csv", "application/sparql-results+xml"])
def test_rows_over_the_limit_are_refused_never_cut(srv: Server, accept: str) -> None:
    status, headers, body, _ = get(srv.port, ALL, accept)
    assert status == 507, body[:300]
    assert b"more than 50 rows" in body and b"LIMIT" in body
    assert headers["content-type"].startswith("text/plain")
    # at the limit: every row
    status, _, body, _ = get(srv.port, ALL + " LIMIT 50")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 50


def test_triples_over_the_limit_are_refused(srv: Server) -> None:
    status, _, body, _ = get(srv.port, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "text/turtle")
    assert status == 507 and b"more than 50 triples" in body, body[:300]


def test_bytes_over_the_limit_are_refused(srv: Server) -> None:
    # 45 rows: under the row limit; as XML over 12500 bytes
    status, _, body, _ = get(srv.port, ALL + " LIMIT 45", "application/sparql-results+xml")
    assert status == 507, body[:300]
    assert b"12500" in body, body
    status, _, body, _ = get(srv.port, ALL + " LIMIT 3", "application/sparql-results+xml")
    assert status == 200 and body.count(b"<result>") == 3


# ------------------------------------------------------------------ concurrency (threaded server)


@pytest.fixture(scope="module")
def busy_server() -> Iterator[str]:
    """One server process with one query slot and two query workers: the slot, not the workers, is the limit.
    An in-process threaded server shows the slot limit alone (``test_http_starvation`` checks it under serve)."""
    app = create_app(settings(root=MINI, max_concurrent_queries=1, query_workers=2, query_timeout=3.0,
                              response_cache_mb=0))
    engine = app.extensions["gbagraph"].engine
    engine.answer(QueryRequest("ASK {}"))  # fork the query workers before the server's threads start
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield str(server.server_port)
    finally:
        server.shutdown()
        thread.join(5)
        engine.close()


def test_queries_over_the_concurrency_limit_get_503_with_retry_after(busy_server: str) -> None:
    port = int(busy_server)
    outcome: dict = {}
    slow = threading.Thread(target=lambda: outcome.setdefault("slow", get(port, COUNTED)))
    slow.start()
    time.sleep(0.5)
    status, headers, body, seconds = get(port, "ASK { ?s ?p ?o }")
    slow.join(10)
    assert status == 503, body
    assert headers["retry-after"] == "1" and b"already evaluating 1 queries" in body
    assert seconds < 2.5  # refused after a short wait, not after the slow query's limit
    assert outcome["slow"][0] == 503 and b"stopped after" in outcome["slow"][2]
    assert get(port, "ASK { ?s ?p ?o }")[0] == 200  # and free again
