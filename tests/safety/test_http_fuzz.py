"""Bad input never breaks the server: property-based requests over raw sockets to ``gbagraph serve`` (gunicorn,
the mini graph) on 127.0.0.1 — query strings, parameters and duplicates, Accept and Content-Type headers,
methods, paths, percent-encoded and non-UTF-8 bytes, graph IRIs.  Every answer must be a well-formed HTTP
response with a Content-Type (and JSON that parses when it says JSON), never a 5xx but the documented 503/507
limits; the server must stay up and log no traceback."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from load.server import Server, start

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MINI_BASE = "https://w3id.org/gbagraph/"


@pytest.fixture(scope="module")
def srv() -> Iterator[Server]:
    server = start(MINI, env={"GBAGRAPH_QUERY_TIMEOUT": "2"})
    try:
        yield server
    finally:
        log = server.stop()
        assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]


# ------------------------------------------------------------------ one raw exchange, checked


def exchange(port: int, method: bytes, target: bytes, headers: list[tuple[bytes, bytes]] = (),
             body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send exactly these bytes; parse the answer strictly (http.client raises on a malformed status line)."""
    lines = [method + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name + b": " + value for name, value in headers]
    if body or method == b"POST":
        lines.append(b"Content-Length: " + str(len(body)).encode())
    raw = b"\r\n".join(lines) + b"\r\n\r\n" + body
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(raw)
        response = http.client.HTTPResponse(sock, method=method.decode("latin-1"))
        response.begin()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def check(answer: tuple[int, dict[str, str], bytes], method: bytes = b"GET") -> int:
    status, headers, body = answer
    assert 200 <= status < 500 or status in (503, 507), (status, body[:500])
    if status == 503:
        assert headers.get("retry-after"), headers
    if status not in (204, 304) and not 100 <= status < 200:
        assert headers.get("content-type"), (status, headers)
        if "json" in headers["content-type"] and method != b"HEAD":
            json.loads(body)
    return status


def enc(text: str) -> bytes:
    return quote(text, safe="").encode("ascii")


def alive(srv: Server) -> None:
    assert srv.health()["status"] == "ok"


# ------------------------------------------------------------------ strategies

TOKENS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "*", "{", "}", "(", ")", ".", ";", ",", "?s", "?p",
          "?o", "$x", "a", "<http://example.org/x>", "<", ">", '"', "'", '"""', "GRAPH", "SERVICE",
          "<http://127.0.0.1:9/sparql>", "FROM", "FROM NAMED", "LOAD", "INSERT DATA", "DELETE", "PREFIX",
          "gba:", "rdfs:label", "FILTER", "REGEX", "OPTIONAL", "UNION", "MINUS", "VALUES", "BIND", "AS",
          "COUNT", "GROUP BY", "ORDER BY", "LIMIT", "OFFSET", "1", "-1", "99999999999999999999", "#", "\n",
          "\r", "\\", "\\u0000", "\x00", "é", "漢", "\U0001f600", "\ufffd", "NOT EXISTS"]
queries = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=20).map(" ".join),
)
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"),
                      max_size=80)
ACCEPTS = ["application/sparql-results+json", "text/csv", "text/tab-separated-values",
           "application/sparql-results+xml", "text/turtle", "application/ld+json", "application/n-triples",
           "text/html", "*/*", "application/json", "text/*", "image/png", ""]
accepts = st.one_of(
    st.sampled_from(ACCEPTS),
    header_text,
    st.lists(st.tuples(st.sampled_from(ACCEPTS), st.sampled_from(["", ";q=0.5", ";q=0", ";q=abc", ";q=2", ";level=1"])),
             max_size=4).map(lambda parts: ", ".join(a + q for a, q in parts)),
)
PARAM_NAMES = ["query", "update", "format", "output", "timeout", "default-graph-uri", "named-graph-uri",
               "download", "using-graph-uri", ""]
PARAM_VALUES = ["SELECT * WHERE { ?s ?p ?o } LIMIT 2", "ASK {}", "json", "csv", "turtle", "html", "xml", "0",
                "0.5", "-1", "nan", "", MINI_BASE + "graph/mini-source/p01", "INSERT DATA { <a:b> <a:b> <a:b> }"]
params = st.lists(st.tuples(st.one_of(st.sampled_from(PARAM_NAMES), st.text(max_size=10)),
                            st.one_of(st.sampled_from(PARAM_VALUES), st.text(max_size=40))), max_size=6)
raw_bytes = st.binary(max_size=40)


def query_string(pairs: list[tuple[str, str]]) -> bytes:
    return b"&".join(enc(k) + b"=" + enc(v) for k, v in pairs)


# ------------------------------------------------------------------ properties


@BOUNDED
@given(text=queries, how=st.sampled_from(["get", "form", "direct"]), accept=st.sampled_from(ACCEPTS))
def test_any_query_text(srv: Server, text: str, how: str, accept: str) -> None:
    headers = [(b"Accept", accept.encode())] if accept else []
    pairs = [("query", text), ("timeout", "1")]
    data = text.encode("utf-8", "surrogatepass")
    if how == "get":
        answer = exchange(srv.port, b"GET", b"/sparql?" + query_string(pairs), headers)
    elif how == "form":
        answer = exchange(srv.port, b"POST", b"/sparql", headers + [
            (b"Content-Type", b"application/x-www-form-urlencoded")], query_string(pairs))
    else:
        answer = exchange(srv.port, b"POST", b"/sparql?timeout=1", headers + [
            (b"Content-Type", b"application/sparql-query")], data)
    check(answer)


@BOUNDED
@given(pairs=params, post=st.booleans(), accept=accepts)
def test_any_parameters_and_duplicates(srv: Server, pairs: list[tuple[str, str]], post: bool, accept: str) -> None:
    headers = [(b"Accept", accept.encode("latin-1"))]
    if post:
        answer = exchange(srv.port, b"POST", b"/sparql", headers + [
            (b"Content-Type", b"application/x-www-form-urlencoded")], query_string(pairs))
    else:
        answer = exchange(srv.port, b"GET", b"/sparql?" + query_string(pairs), headers)
    check(answer)


@BOUNDED
@given(accept=accepts, path=st.sampled_from(["/sparql?query=ASK%7B%7D", "/sparql", "/", "/dumps", "/healthz",
                                             "/.well-known/void", "/id/person/ada-example", "/def/",
                                             "/dumps/gbagraph.ttl", "/nowhere"]),
       if_none_match=st.one_of(st.none(), st.just("*"), header_text))
def test_any_accept_header(srv: Server, accept: str, path: str, if_none_match: str | None) -> None:
    headers = [(b"Accept", accept.encode("latin-1"))]
    if if_none_match is not None:
        headers.append((b"If-None-Match", if_none_match.encode("latin-1")))
    check(exchange(srv.port, b"GET", path.encode(), headers))


@BOUNDED
@given(mime=st.one_of(st.sampled_from(["application/x-www-form-urlencoded", "application/sparql-query",
                                       "application/sparql-update", "text/plain", "multipart/form-data",
                                       "application/json", ""]), header_text),
       extra=st.one_of(st.just(""), st.sampled_from(["; charset=utf-8", "; charset=UTF8", "; charset=latin-1",
                                                     "; charset=", "; charset", ";;", "; charset=\"utf-8\"",
                                                     "; boundary=x"]),
                       header_text.map(lambda t: "; charset=" + t)),
       body=st.one_of(st.just(b"query=ASK%7B%7D"), st.just(b"ASK {}"), raw_bytes))
def test_any_content_type(srv: Server, mime: str, extra: str, body: bytes) -> None:
    check(exchange(srv.port, b"POST", b"/sparql", [(b"Content-Type", (mime + extra).encode("latin-1"))], body))


@BOUNDED
@given(method=st.one_of(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
                                         "PROPFIND", "get"]), st.from_regex(r"[A-Z]{1,10}", fullmatch=True)),
       path=st.sampled_from(["/sparql", "/", "/id/person/ada-example", "/dumps", "/dumps/gbagraph.nt",
                             "/healthz", "/def/", "/.well-known/void", "/static/style.css"]))
def test_any_method(srv: Server, method: str, path: str) -> None:
    verb = method.encode()
    body = b"ASK {}" if verb in (b"POST", b"PUT", b"PATCH") else b""
    headers = [(b"Content-Type", b"application/sparql-query")] if body else []
    check(exchange(srv.port, verb, path.encode(), headers, body), verb)


@BOUNDED
@given(prefix=st.sampled_from(["/id/", "/def/", "/dumps/", "/", "/sparql/", "/static/", "/.well-known/",
                               "/id/person/"]),
       rest=st.one_of(st.text(max_size=40).map(lambda t: quote(t, safe="/").encode()),
                      raw_bytes.map(lambda b: "".join(f"%{x:02X}" for x in b).encode()),
                      raw_bytes.map(lambda b: bytes(x for x in b if x > 0x20 and x not in (0x7f, 0x23, 0x3f)))),
       query=st.one_of(st.just(b""), raw_bytes.map(lambda b: b"?" + bytes(x for x in b if x > 0x20 and x != 0x7f))))
def test_any_path_and_bytes(srv: Server, prefix: str, rest: bytes, query: bytes) -> None:
    check(exchange(srv.port, b"GET", prefix.encode() + rest + query, [(b"Accept", b"text/turtle, text/html;q=0.5")]))


@BOUNDED
@given(name=st.sampled_from(["default-graph-uri", "named-graph-uri"]),
       iris=st.lists(st.one_of(st.sampled_from([MINI_BASE + "graph/mini-source/p01", MINI_BASE + "graph/inferred",
                                                "http://example.org/", "file:///etc/passwd",
                                                "http://127.0.0.1:9/x", "", "<>", "urn:x-rdflib:default"]),
                               st.text(max_size=40)), max_size=4),
       raw=st.booleans())
def test_any_graph_iris(srv: Server, name: str, iris: list[str], raw: bool) -> None:
    pairs = [("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 3")] + [(name, iri) for iri in iris]
    target = b"/sparql?" + query_string(pairs)
    if raw:  # the IRIs percent-encoded as raw bytes (latin-1), not UTF-8
        target = b"/sparql?query=ASK%7B%7D&" + b"&".join(
            name.encode() + b"=" + b"".join(b"%%%02X" % x for x in iri.encode("latin-1", "replace")) for iri in iris)
    status = check(exchange(srv.port, b"GET", target, [(b"Accept", b"application/sparql-results+json")]))
    assert status in (200, 400)


def test_server_still_up_and_quiet(srv: Server) -> None:
    alive(srv)
    status, _, body = exchange(srv.port, b"GET", b"/sparql?query=" + enc("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"),
                               [(b"Accept", b"application/sparql-results+json")])
    assert status == 200 and json.loads(body)["results"]["bindings"]
    log = srv.log()
    assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]
