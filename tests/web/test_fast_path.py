"""The fast path (``web.fastpath``): ``GET /sparql?query=…`` and ``POST /sparql`` answered without Flask's request
and response objects.

What a client sees must be the endpoint's own: the same status, body and headers as the same request taken by the
app (a request with a non-matching ``If-None-Match`` goes there), and every error is the app's error, raised once.
That the fast path is taken at all no client can see: it is pinned by counting the requests Flask itself handled
(its ``request_started`` signal)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask, request_started

from gbagraph import settings
from gbagraph.web import create_app

from .conftest import run_server, stop_server

TIMEOUT = 30
#: headers that differ between two answers of the same request
VOLATILE = {"date", "server", "connection", "keep-alive"}


@pytest.fixture(scope="module")
def served(mini_root: Path) -> Iterator[tuple[str, Flask]]:
    """The mini fixture, response cache off (every answer evaluated, ``X-Cache: miss``), engine in this process."""
    app = create_app(settings(root=mini_root, query_workers=0, response_cache_mb=0))
    url, srv, thread = run_server(app)
    yield url + "sparql", app
    stop_server(app, srv, thread)


@pytest.fixture()
def flask_requests(served: tuple[str, Flask]) -> Iterator[list[str]]:
    """The paths of the requests Flask handled itself while the test ran."""
    seen: list[str] = []
    _url, app = served

    def note(sender: Flask, **_extra: object) -> None:
        from flask import request

        seen.append(request.path)

    request_started.connect(note, app)
    yield seen
    request_started.disconnect(note, app)


def _seen(response: requests.Response) -> tuple[int, bytes, dict[str, str]]:
    headers = {k.lower(): v for k, v in response.headers.items() if k.lower() not in VOLATILE}
    return response.status_code, response.content, headers


CASES = {
    "select json": ({"query": "SELECT ?s ?c WHERE { ?s a ?c } ORDER BY ?s LIMIT 3"},
                    "application/sparql-results+json"),
    "select csv, download": ({"query": "SELECT ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 2", "download": "1"}, "text/csv"),
    "select, format=tsv": ({"query": "SELECT ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 2", "format": "tsv"}, None),
    "ask xml": ({"query": "ASK { ?s ?p ?o }"}, "application/sparql-results+xml"),
    "construct turtle": ({"query": "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3"}, "text/turtle"),
    "describe, any type": ({"query": "DESCRIBE ?s WHERE { ?s a ?c } LIMIT 1"}, "*/*"),
    "no Accept": ({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_fast_answer_is_the_endpoints(served: tuple[str, Flask], flask_requests: list[str], case: str) -> None:
    url, _app = served
    params, accept = CASES[case]
    headers = {"Accept": accept} if accept else {}
    fast = requests.get(url, params=params, headers=headers, timeout=TIMEOUT)
    assert fast.status_code == 200, fast.text
    assert flask_requests == []  # answered by the fast path
    posted = requests.post(url, data=params, headers=headers, timeout=TIMEOUT)
    direct = requests.post(url, params={k: v for k, v in params.items() if k != "query"}, data=params["query"].encode(),
                           headers={**headers, "Content-Type": "application/sparql-query"}, timeout=TIMEOUT)
    assert flask_requests == []  # the POSTs too
    by_app = requests.get(url, params=params, headers={**headers, "If-None-Match": '"no such tag"'}, timeout=TIMEOUT)
    posted_to_app = requests.post(url, data=params, headers={**headers, "If-None-Match": '"no such tag"'},
                                  timeout=TIMEOUT)
    assert flask_requests == ["/sparql", "/sparql"]  # those two by the app
    assert _seen(fast) == _seen(by_app) == _seen(posted) == _seen(direct) == _seen(posted_to_app)
    assert fast.headers["Access-Control-Allow-Origin"] == "*" and fast.headers["X-Cache"] == "miss"


ERRORS = {
    "syntax": ({"query": "SELECT ?s WHERE { ?s ?p }"}, 400),
    "unknown graph": ({"query": "ASK {}", "default-graph-uri": "http://example.org/none"}, 400),
    "update": ({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, 403),
    "two queries": ({"query": ["ASK {}", "ASK {}"]}, 400),
    "unknown format": ({"query": "ASK {}", "format": "nonesuch"}, 400),
    "bad timeout": ({"query": "ASK {}", "timeout": "-1"}, 400),
}


@pytest.mark.parametrize("case", list(ERRORS))
@pytest.mark.parametrize("accept", ["application/json", "text/plain", "text/html"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_errors_on_the_fast_path_are_the_apps(served: tuple[str, Flask], flask_requests: list[str], case: str,
                                              accept: str, method: str) -> None:
    url, _app = served
    params, status = ERRORS[case]
    send = {"params": params} if method == "GET" else {"data": params}
    fast = requests.request(method, url, headers={"Accept": accept}, timeout=TIMEOUT, **send)
    by_app = requests.request(method, url, timeout=TIMEOUT, headers={"Accept": accept, "If-None-Match": '"x"'},
                              **send)
    assert fast.status_code == status, fast.text
    assert _seen(fast) == _seen(by_app)
    assert fast.headers["Cache-Control"] == "no-store" and fast.headers["Access-Control-Allow-Origin"] == "*"
    assert flask_requests == ["/sparql", "/sparql"]  # each error answered once, by the app's handlers


POST_ERRORS = {
    "no Content-Type": ({}, b"query=ASK%20%7B%7D", 400),
    "update": ({"Content-Type": "application/sparql-update"}, b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
    "unsupported type": ({"Content-Type": "text/plain"}, b"ASK {}", 415),
    "other charset": ({"Content-Type": "application/sparql-query; charset=latin-1"}, b"ASK {}", 400),
    "not UTF-8": ({"Content-Type": "application/sparql-query"}, b"ASK {} # \xff", 400),
    "too large": ({"Content-Type": "application/sparql-query"}, b"#" * 1_000_001, 413),
    "no query": ({"Content-Type": "application/x-www-form-urlencoded"}, b"format=json", 400),
}


@pytest.mark.parametrize("case", list(POST_ERRORS))
def test_post_errors_on_the_fast_path_are_the_apps(served: tuple[str, Flask], flask_requests: list[str],
                                                   case: str) -> None:
    url, _app = served
    headers, body, status = POST_ERRORS[case]
    fast = requests.post(url, data=body, headers={**headers, "Accept": "text/plain"}, timeout=TIMEOUT)
    by_app = requests.post(url, data=body, headers={**headers, "Accept": "text/plain", "If-None-Match": '"x"'},
                           timeout=TIMEOUT)
    assert fast.status_code == status, fast.text
    assert _seen(fast) == _seen(by_app)
    assert flask_requests == ["/sparql", "/sparql"]


def test_a_syntax_error_says_where(served: tuple[str, Flask]) -> None:
    url, _app = served
    r = requests.get(url, params={"query": "SELECT ?s WHERE {\n  ?s ?p }"}, headers={"Accept": "application/json"},
                     timeout=TIMEOUT)
    body = r.json()
    assert r.status_code == 400 and body["line"] == 2 and body["column"] >= 1, body


def test_other_requests_go_to_the_app(served: tuple[str, Flask], flask_requests: list[str]) -> None:
    url, _app = served
    assert requests.get(url, headers={"Accept": "text/html"}, timeout=TIMEOUT).status_code == 200  # the query page
    assert requests.get(url, params={"format": "turtle"}, timeout=TIMEOUT).status_code == 200  # service description
    assert requests.head(url, params={"query": "ASK {}"}, timeout=TIMEOUT).status_code == 200
    assert requests.options(url, timeout=TIMEOUT).status_code == 200
    assert requests.put(url, data=b"ASK {}", timeout=TIMEOUT).status_code == 405
    assert requests.get(url + "/", params={"query": "ASK {}"}, timeout=TIMEOUT).status_code in (301, 308, 404)
    assert flask_requests == ["/sparql"] * 5 + ["/sparql/"]


def test_a_remembered_decoding_is_the_decoding(served: tuple[str, Flask]) -> None:
    """Query strings' decodings are remembered (``sparql.PARAMS_KEPT``): a refusal is not, and every request gets
    its own parameters (the same string twice gives the same answer, a non-UTF-8 one the same 400 twice)."""
    url, _app = served
    raw = url + "?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20a%20%3Fc%20%7D%20LIMIT%201&format=csv"
    first, again = (requests.get(raw, timeout=TIMEOUT) for _ in range(2))
    assert first.status_code == again.status_code == 200 and first.content == again.content
    assert first.headers["Content-Type"].startswith("text/csv")
    bad = url + "?query=ASK%20%7B%7D%20%23%FF"
    refusals = [requests.get(bad, headers={"Accept": "text/plain"}, timeout=TIMEOUT) for _ in range(2)]
    assert [r.status_code for r in refusals] == [400, 400]
    assert all("not UTF-8 (byte" in r.text for r in refusals), refusals[0].text
