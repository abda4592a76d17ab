"""push (Graph Store Protocol) and RemoteEngine against a writable Oxigraph server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from tooling import require_tool, stop_process, wait_for_sparql

from gbagraph.config import Settings
from gbagraph.errors import GbagraphError, QueryError, UpdateRefused
from gbagraph.pipeline import policy_for, prepare
from gbagraph.query import OxigraphEngine, Policy, QueryRequest
from gbagraph.remote import RemoteEngine, push

from .test_engine_agreement import compare


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = require_tool("oxigraph", "pip install oxigraph")
    location: Path = tmp_path_factory.mktemp("oxigraph-store")
    port = _port()
    proc = subprocess.Popen([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail("oxigraph server did not start")
        yield base
    finally:
        stop_process(proc)


@pytest.fixture(scope="module")
def pushed(oxigraph_server: str, project_settings: Settings):
    prepared = prepare(project_settings.with_(validate=False))
    report = push(prepared.bundle.dataset, f"{oxigraph_server}/store")
    return prepared, report


def test_push_keeps_every_named_graph(pushed, oxigraph_server: str) -> None:
    prepared, report = pushed
    local = {str(g.identifier): len(g) for g in prepared.bundle.dataset.graphs()
             if len(g) and not str(g.identifier).startswith("urn:x-rdflib:")}
    assert report.graphs == len(local) > 30 and report.triples == sum(local.values())
    r = requests.get(f"{oxigraph_server}/query", timeout=30, headers={"Accept": "application/sparql-results+json"},
                     params={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"})
    remote = {b["g"]["value"]: int(b["n"]["value"]) for b in r.json()["results"]["bindings"]}
    assert remote == local


def test_push_is_idempotent(pushed, oxigraph_server: str) -> None:
    prepared, first = pushed
    again = push(prepared.bundle.dataset, f"{oxigraph_server}/store")
    assert again.triples == first.triples and again.default_triples == first.default_triples
    r = requests.get(f"{oxigraph_server}/query", timeout=30, headers={"Accept": "application/sparql-results+json"},
                     params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == first.triples


QUERIES = [
    "ASK { ?s a <https://w3id.org/gbagraph/def/Meeting> }",
    "SELECT ?s ?c WHERE { ?s a ?c }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?m WHERE { ?m a gba:Meeting }",  # our prefixes work without PREFIX lines, as locally
    "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_remote_engine_answers_like_the_local_engine(pushed, oxigraph_server: str, query: str) -> None:
    prepared, _ = pushed
    policy = policy_for(prepared.settings)
    local = OxigraphEngine.from_dataset(prepared.bundle.dataset, policy)
    remote = RemoteEngine(f"{oxigraph_server}/query", policy)
    compare(query, local, remote)


def test_remote_engine_passes_format_and_dataset(pushed, oxigraph_server: str) -> None:
    prepared, _ = pushed
    remote = RemoteEngine(f"{oxigraph_server}/query", policy_for(prepared.settings))
    onto = f"{prepared.bundle.base}graph/ontology"
    answer = remote.answer(QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=(onto,),
                                        format="csv"))
    assert answer.format.name == "csv" and answer.body.splitlines()[1].strip() == str(len(prepared.bundle.ontology)).encode()
    answer = remote.answer(QueryRequest("CONSTRUCT WHERE { ?s a ?c } LIMIT 3", format="nt"))
    assert answer.kind == "CONSTRUCT" and answer.format.name == "nt" and answer.body.count(b"\n") == 3
    answer = remote.answer(QueryRequest("ASK {}", format="json"))
    assert json.loads(answer.body) == {"head": {}, "boolean": True}


def test_remote_400_becomes_query_error(oxigraph_server: str) -> None:
    remote = RemoteEngine(f"{oxigraph_server}/query", Policy())
    with pytest.raises(QueryError) as info:
        remote.answer(QueryRequest("SELECT ?x WHERE { ?x ?y }"))
    assert info.value.status == 400


def test_remote_engine_refuses_updates_before_sending(oxigraph_server: str) -> None:
    with pytest.raises(UpdateRefused):
        RemoteEngine(f"{oxigraph_server}/query").answer(QueryRequest("INSERT DATA { <a:a> <a:b> <a:c> }"))


def test_unreachable_backend_is_502() -> None:
    remote = RemoteEngine(f"http://127.0.0.1:{_port()}/query", timeout=2)
    with pytest.raises(GbagraphError) as info:
        remote.answer(QueryRequest("ASK {}"))
    assert info.value.status == 502


@pytest.mark.slow  # end to end: push by the CLI, then a gunicorn server on the remote store (45 s)
def test_cli_push_then_serve_on_the_remote_store(oxigraph_server: str, project_settings: Settings,
                                                 tmp_path: Path) -> None:
    """`gbagraph push --store` fills the store; `gbagraph serve --sparql-backend` answers /sparql from it."""
    import sys

    env = {**__import__("os").environ, "GBAGRAPH_ROOT": str(project_settings.root)}
    done = subprocess.run([sys.executable, "-m", "gbagraph", "push", "--store", f"{oxigraph_server}/store"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "pushed" in done.stderr and "Traceback" not in done.stderr
    with serving_from_backend(f"{oxigraph_server}/query", env, tmp_path) as url:
        # a triple only the remote store has: proof that /sparql reads the store, not the local graph
        requests.post(f"{oxigraph_server}/update", timeout=30,
                      data={"update": "INSERT DATA { <urn:x-test:remote-only> <urn:x-test:p> 'from the store' }"})
        r = requests.get(url, timeout=30, headers={"Accept": "application/sparql-results+json"},
                         params={"query": "SELECT ?o WHERE { <urn:x-test:remote-only> <urn:x-test:p> ?o }"})
        assert r.status_code == 200, r.text
        assert [b["o"]["value"] for b in r.json()["results"]["bindings"]] == ["from the store"]
        bad = requests.get(url, timeout=30, params={"query": "SELECT * WHERE { ?s ?p }"})
        assert bad.status_code == 400


@contextmanager
def serving_from_backend(backend: str, env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """`gbagraph serve --sparql-backend BACKEND` in a subprocess (environment ``env``): its /sparql URL once it
    answers (bounded wait), stopped on exit."""
    import sys

    port = _port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gbagraph", "serve", "--port", str(port), "--workers", "1",
                               "--sparql-backend", backend], stdout=subprocess.DEVNULL, stderr=log, env=env)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_for_sparql(url, server, seconds=120, what="gbagraph serve")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_healthz_counts_the_backend(pushed, oxigraph_server: str, project_settings: Settings, tmp_path: Path) -> None:
    """/healthz of `serve --sparql-backend` reports the backend's triples, not the local graph's (issue 20.7)."""
    prepared, _ = pushed
    env = {**__import__("os").environ, "GBAGRAPH_ROOT": str(project_settings.root)}
    with serving_from_backend(f"{oxigraph_server}/query", env, tmp_path) as url:
        health = url.replace("/sparql", "/healthz")
        before = requests.get(health, timeout=30).json()["triples"]
        r = requests.post(f"{oxigraph_server}/update", timeout=30, data={
            "update": "INSERT DATA { GRAPH <urn:x-test:health> { <urn:x-test:s> <urn:x-test:p> 'only there' } }"})
        assert r.status_code in (200, 204), r.text
        after = requests.get(health, timeout=30).json()
        assert after["triples"] == before + 1  # a triple only the store has is counted: the count is the store's
        assert after["backend"] == {"url": f"{oxigraph_server}/query"}
        requests.post(f"{oxigraph_server}/update", timeout=30, data={"update": "DROP GRAPH <urn:x-test:health>"})
