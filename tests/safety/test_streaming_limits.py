"""The row limit is enforced while the answer streams: a query past ``max_result_rows`` gets its 507 as soon as
the row past the limit is produced, for SELECT (every results format), CONSTRUCT and DESCRIBE.

Before, the whole answer was built and then counted: a query with millions of rows ran to its time limit (503),
and a 164k-row answer took 7 s to reach its 507.  On the mini graph each query below has millions of solutions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from load.server import Server, call, start

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
ROWS = 100
THREE_WAY = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i"


@pytest.fixture(scope="module")
def srv() -> Iterator[Server]:
    server = start(MINI, workers=1, env={"GBAGRAPH_MAX_RESULT_ROWS": str(ROWS), "GBAGRAPH_QUERY_TIMEOUT": "20",
                                         "GBAGRAPH_RESPONSE_CACHE_MB": "0"})
    try:
        yield server
    finally:
        server.stop()


def get(srv: Server, query: str, accept: str) -> tuple[int, bytes, float]:
    status, _headers, body, seconds = call(srv.port, "GET", "/sparql?" + urlencode({"query": query}),
                                           headers={"Accept": accept}, timeout=40)
    return status, body, seconds


@pytest.mark.parametrize(("query", "accept"), [
    (f"SELECT * WHERE {{ {THREE_WAY} }}", "application/sparql-results+json"),
    (f"SELECT * WHERE {{ {THREE_WAY} }}", "application/sparql-results+xml"),
    (f"SELECT * WHERE {{ {THREE_WAY} }}", "text/csv"),
    (f"SELECT * WHERE {{ {THREE_WAY} }}", "text/tab-separated-values"),
    (f"CONSTRUCT {{ ?a ?b ?f }} WHERE {{ {THREE_WAY} }}", "application/n-triples"),
    (f"CONSTRUCT {{ ?a ?b ?f }} WHERE {{ {THREE_WAY} }}", "text/turtle"),
    (f"DESCRIBE ?a ?d WHERE {{ {THREE_WAY} }}", "text/turtle"),
])
def test_a_runaway_answer_is_refused_at_the_limit(srv: Server, query: str, accept: str) -> None:
    status, body, seconds = get(srv, query, accept)
    assert status == 507, (status, body[:300])
    assert f"more than {ROWS}".encode() in body
    assert seconds < 5, seconds  # at the limit, not after millions of rows (about 0.1 s here)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_an_answer_of_exactly_the_limit_is_served_whole(srv: Server, accept: str) -> None:
    status, body, _seconds = get(srv, f"SELECT * WHERE {{ {THREE_WAY} }} LIMIT {ROWS}", accept)
    assert status == 200, body[:300]
    marker = {"application/sparql-results+json": b'"a":', "application/sparql-results+xml": b"<result>"}
    if accept in marker:
        assert body.count(marker[accept]) == ROWS
    else:
        assert len(body.strip().splitlines()) == ROWS + 1  # header and rows (no value holds a newline here)
