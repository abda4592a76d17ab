"""No request on a user's behalf: SERVICE only to allowed endpoints, FROM never fetches, LOAD never runs.

A real listener on 127.0.0.1 must receive no connection, and a file with a unique marker must never be read,
whichever engine evaluates the query, in-process or in a worker.  Positive controls show the listener and the
marker would notice if the protection were gone.
"""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset
from tooling import require_tool, stop_process

from gbagraph.errors import GbagraphError, QueryError, UpdateRefused
from gbagraph.guard import CASE_FOLD, check_query
from gbagraph.query import OxigraphEngine, Policy, QueryRequest, check_text
from gbagraph.reference.engine import RdflibEngine
from gbagraph.workers import WorkerPoolEngine

from .conftest import EX, Listener


def refused_service(query: str, allowlist: tuple[str, ...] = ()) -> None:
    with pytest.raises(QueryError) as caught:
        check_text(query, Policy(service_allowlist=allowlist))
    assert caught.value.status in (400, 403) and "SERVICE" in str(caught.value)


SERVICE_FORMS = [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "select * where { service <{url}> { ?s ?p ?o } }",
    "SeLeCt * WhErE { sErViCe sIlEnT <{url}> { ?s ?p ?o } }",
    "PREFIX ep: <{base}> SELECT * WHERE { SERVICE ep:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE undeclared:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE $endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { { ?s ?p ?x } UNION { SERVICE <{url}> { ?s ?p ?o } } } }",
    "SELECT * WHERE { FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "SELECT * WHERE {SERVICE<{url}>{?s ?p ?o}}",
    "SELECT * WHERE { SERVICE # a comment\n <{url}> { ?s ?p ?o } }",
    # what the engines read differently from a naive tokenizer
    "SELECT * WHERE { # a comment ended by a bare CR\rSERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { \\U00000053ERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERV\\u0049CE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { \u017fERVICE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERV\u0131CE <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1\\u003a{port}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE",
    # rdflib reads \u0022 as a quote: the string ends, and SERVICE is a call to it
    'SELECT * WHERE { ?s ?p "a\\u0022 SERVICE <{url}> { ?s ?p ?o } \\u0022" }',
]


def forms(listener: Listener) -> list[str]:
    base = listener.url.rsplit("sparql", 1)[0]
    return [f.replace("{url}", listener.url).replace("{base}", base).replace("{port}", str(listener.port))
            for f in SERVICE_FORMS]


def test_every_service_form_is_refused_lexically(listener: Listener) -> None:
    for query in forms(listener):
        refused_service(query)
        refused_service(query, ("http://other.example/sparql",))


@pytest.mark.parametrize("query", [
    'SELECT ("SERVICE <http://127.0.0.1:9/>" AS ?x) WHERE {}',
    "SELECT ('''SERVICE <http://127.0.0.1:9/> { }''' AS ?x) WHERE {}",
    "SELECT ?x WHERE { ?x <http://example.org/SERVICE> ?y } # SERVICE <http://127.0.0.1:9/>",
    "SELECT ?service WHERE { ?service a <http://www.w3.org/ns/sparql-service-description#Service> }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:SERVICE ?o }",
    'SELECT * WHERE { ?s ?p "SERVıCE" }',
])
def test_the_word_in_strings_iris_comments_and_names_is_not_a_call(query: str) -> None:
    assert check_text(query, Policy()) == "SELECT"


def test_case_fold_table_is_complete() -> None:
    """Every non-ASCII character ``str.upper`` (pyparsing's keyword match) turns into one ASCII letter."""
    found = {cp: ch.upper() for cp in range(0x80, 0x110000)
             if not 0xD800 <= cp < 0xE000 and len(ch := chr(cp).upper()) == 1 and ch.isascii()}
    assert found == CASE_FOLD


def test_allowed_endpoint_passes_the_check(listener: Listener) -> None:
    allow = (listener.url,)
    assert check_query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}", allow) == "SELECT"
    assert check_query(f"PREFIX e: <{listener.url[:-6]}> SELECT * {{ SERVICE SILENT e:sparql {{}} }}", allow)
    refused_service(f"SELECT * WHERE {{ SERVICE <{listener.url}x> {{ ?s ?p ?o }} }}", allow)


@pytest.mark.parametrize("query", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "insert data { <http://a> <http://b> <http://c> }",
    "PREFIX x: <http://x/> # SELECT\n DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "load silent <file:///etc/hostname> into graph <http://g>",
    "CLEAR ALL", "DROP GRAPH <http://g>", "CREATE GRAPH <http://g>",
    "COPY DEFAULT TO <http://g>", "MOVE <http://a> TO <http://b>", "ADD <http://a> TO <http://b>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "\\u0049NSERT DATA { <http://a> <http://b> <http://c> }",
    "\u0131NSERT DATA { <http://a> <http://b> <http://c> }",
    "BASE <http://x/> PREFIX a: <http://a/> LOAD <x>",
])
def test_updates_are_refused(query: str) -> None:
    with pytest.raises(UpdateRefused) as caught:
        check_text(query, Policy())
    assert caught.value.status == 403


# ---------------------------------------------------------------- through the engines, with a live listener


@pytest.fixture()
def engines(dataset: Dataset, ox_engine: OxigraphEngine) -> Iterator[list]:
    """Both in-process engines, and both behind a worker pool."""
    rdf = RdflibEngine(dataset, Policy())
    ox = OxigraphEngine(ox_engine.store, Policy())
    with WorkerPoolEngine(rdf, workers=1, timeout=10) as p1, WorkerPoolEngine(ox, workers=1, timeout=10) as p2:
        yield [rdf, ox, p1, p2]


def attempt(engine, query: str) -> str:
    try:
        return engine.answer(QueryRequest(query, format="json")).body.decode()
    except GbagraphError as exc:
        return f"{type(exc).__name__}: {exc}"


def test_no_service_form_reaches_the_network(engines: list, listener: Listener) -> None:
    for query in forms(listener):
        for engine in engines:
            outcome = attempt(engine, query)
            assert outcome.startswith(("QueryError", "ServiceRefused")), (engine, query, outcome)  # a QueryError
    assert listener.settle() == []


def test_from_and_dataset_parameters_fetch_nothing(engines: list, listener: Listener) -> None:
    queries = [
        f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{listener.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"ASK FROM <{listener.url}> {{ ?s ?p ?o }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{listener.url}> WHERE {{ ?s ?p ?o }}",
        f"DESCRIBE <{EX}s1> FROM <{listener.url}>",
    ]
    for engine in engines:
        for query in queries:
            outcome = attempt(engine, query)
            assert "Error" not in outcome[:20], (engine, query, outcome)
            assert f"{EX}s1" not in outcome or query.startswith("DESCRIBE"), "FROM <unknown> must be empty"
        for params in ({"default_graphs": (listener.url,)}, {"named_graphs": (listener.url,)}):
            engine.answer(QueryRequest("SELECT * WHERE { ?s ?p ?o }", **params))  # type: ignore[arg-type]
    assert listener.settle() == []


def test_load_is_refused_and_fetches_nothing(engines: list, listener: Listener) -> None:
    for engine in engines:
        for query in (f"LOAD <{listener.url}>", f"load silent <{listener.url}> into graph <{EX}g>"):
            with pytest.raises(UpdateRefused):
                engine.answer(QueryRequest(query))
    assert listener.settle() == []


def test_file_iris_read_nothing(engines: list, tmp_path: Path) -> None:
    marker = f"marker-{uuid.uuid4()}"
    secret = tmp_path / "secret.ttl"
    secret.write_text(f'<{EX}secret> <{EX}says> "{marker}" .\n', encoding="utf-8")
    iri = secret.as_uri()
    queries = [
        f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{iri}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}",
        f"LOAD <{iri}>",
    ]
    for engine in engines:
        for query in queries:
            assert marker not in attempt(engine, query), (engine, query)
        body = engine.answer(QueryRequest("SELECT * WHERE { ?s ?p ?o }", default_graphs=(iri,))).body
        assert marker.encode() not in body
    # positive control: rdflib on its own does read FROM <file:…> — the marker would be seen
    assert marker in Dataset().query(f"SELECT ?o FROM <{iri}> WHERE {{ ?s ?p ?o }}").serialize(format="csv").decode()


def test_unknown_graph_iris_add_no_graph_to_the_dataset(dataset: Dataset, listener: Listener) -> None:
    engine = RdflibEngine(dataset, Policy())
    before = sorted(str(g.identifier) for g in dataset.graphs())
    engine.answer(QueryRequest(f"SELECT * FROM <{listener.url}/a> FROM NAMED <{listener.url}/b> WHERE {{ ?s ?p ?o }}"))
    engine.answer(QueryRequest("SELECT * WHERE { ?s ?p ?o }", default_graphs=(listener.url + "/c",)))
    assert sorted(str(g.identifier) for g in dataset.graphs()) == before


def test_positive_control_an_allowed_service_is_called(dataset: Dataset, ox_engine: OxigraphEngine,
                                                      listener: Listener) -> None:
    """The listener does notice a call: allow it, and each engine connects (and reports the failure)."""
    policy = Policy(service_allowlist=(listener.url,))
    for engine in (RdflibEngine(dataset, policy), OxigraphEngine(ox_engine.store, policy)):
        before = len(listener.connections)
        outcome = attempt(engine, f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
        assert outcome.startswith("ServiceFailed"), outcome  # the listener answers nothing useful: a 502
        deadline = time.monotonic() + 3
        while len(listener.connections) == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(listener.connections) > before, engine.name


# ---------------------------------------------------------------- an allowed, real endpoint


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def oxigraph_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """An ``oxigraph serve-read-only`` on a free port holding one marker triple: (endpoint, marker)."""
    exe = require_tool("oxigraph", "pip install oxigraph")
    marker = f"remote-{uuid.uuid4()}"
    data = tmp_path / "remote.nt"
    data.write_text(f'<{EX}remote> <{EX}says> "{marker}" .\n', encoding="utf-8")
    location = tmp_path / "store"
    subprocess.run([exe, "load", "--location", str(location), "--file", str(data)], check=True,
                   capture_output=True, timeout=60)
    port = free_port()
    proc = subprocess.Popen([exe, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("oxigraph server did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/query", marker
    finally:
        stop_process(proc, 5)


def test_allowed_service_endpoint_is_contacted(dataset: Dataset, ox_engine: OxigraphEngine,
                                               oxigraph_server: tuple[str, str]) -> None:
    endpoint, marker = oxigraph_server
    policy = Policy(service_allowlist=(endpoint,))
    query = f"SELECT ?o WHERE {{ SERVICE <{endpoint}> {{ ?s <{EX}says> ?o }} }}"
    rdf, ox = RdflibEngine(dataset, policy), OxigraphEngine(ox_engine.store, policy)
    with WorkerPoolEngine(ox, workers=1, timeout=20) as pool:
        for engine in (rdf, ox, pool):
            assert marker in engine.answer(QueryRequest(query, format="json")).body.decode(), engine.name
    other = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(QueryError, match="not allowed"):
        ox.answer(QueryRequest(query.replace(endpoint, other)))
