"""Scale-out to Virtuoso Open Source (Debian's virtuoso-opensource), the store many government portals run:
`push` over its Graph Store Protocol with digest authentication, named graphs kept, and every competency query
answered through RemoteEngine exactly as our own engine answers it (after normalising what stores legitimately
differ in: numeric datatypes, row order where the query sets none — see tests/core/test_engine_agreement.py)."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from tooling import require_tool, stop_process, wait_for_sparql

from gbagraph.config import Settings
from gbagraph.namespaces import graph_iri
from gbagraph.pipeline import Prepared, make_engine, policy_for, prepare
from gbagraph.query import OxigraphEngine, QueryRequest
from gbagraph.remote import RemoteEngine, push

from .test_engine_agreement import QUERY_FILES, compare
from .test_remote import _port, serving_from_backend

pytestmark = pytest.mark.slow

INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
DEFAULT_DB = "/var/lib/virtuoso-opensource-7/db/"
#: Virtuoso's own account, as its Debian package creates it
DBA = ("dba", "dba")


def _config(folder: Path, sql_port: int, http_port: int) -> Path:
    text = INI.read_text(encoding="utf-8").replace(DEFAULT_DB, f"{folder}/")
    text = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*$", f"ServerPort = 127.0.0.1:{sql_port}", text)
    text = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{http_port}", text)
    path = folder / "virtuoso.ini"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private Virtuoso on 127.0.0.1 in a temporary folder (stopped by PID): its base URL."""
    exe = require_tool("virtuoso-t", "apt-get install virtuoso-opensource")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = _port()
    config = _config(folder, _port(), http_port)
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen([exe, "+foreground", "+configfile", str(config)], stdout=log, stderr=subprocess.STDOUT,
                            cwd=folder)
    base = f"http://127.0.0.1:{http_port}"
    try:
        try:
            wait_for_sparql(f"{base}/sparql", proc, seconds=60, what="virtuoso")  # ready in ~7 s here
        except RuntimeError as exc:
            pytest.fail(f"{exc}: {(folder / 'server.log').read_text(errors='replace')[-2000:]}")
        yield base
    finally:
        stop_process(proc, 30)
        log.close()


@pytest.fixture(scope="module")
def pushed(virtuoso: str, project_settings: Settings) -> tuple[Prepared, Settings]:
    prepared = prepare(project_settings.with_(validate=False, query_workers=0))
    union = graph_iri(prepared.bundle.base, "union")
    report = push(prepared.bundle.dataset, f"{virtuoso}/sparql-graph-crud-auth", union_graph=union, auth=DBA)
    assert report.graphs > 30 and set(report.statuses.values()) <= {200, 201, 204}
    remote = project_settings.with_(validate=False, query_workers=0, sparql_backend=f"{virtuoso}/sparql",
                                    sparql_backend_union_graph=union)
    return prepared, remote


def test_push_needs_the_password(virtuoso: str, project_settings: Settings) -> None:
    prepared = prepare(project_settings.with_(validate=False, infer=False, query_workers=0))
    from gbagraph.errors import GbagraphError

    with pytest.raises(GbagraphError, match="HTTP 401"):
        push(prepared.bundle.dataset, f"{virtuoso}/sparql-graph-crud-auth", union_graph="urn:x:u",
             auth=("dba", "wrong"))


def test_named_graphs_kept(pushed, virtuoso: str) -> None:
    prepared, remote_settings = pushed
    engine = make_engine(remote_settings, prepared.bundle)
    assert isinstance(engine, RemoteEngine)
    local = {str(g.identifier): len(g) for g in prepared.bundle.dataset.graphs()
             if len(g) and not str(g.identifier).startswith("urn:x-rdflib:")}
    answer = engine.answer(QueryRequest("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                                        format="json"))
    remote = {b["g"]["value"]: int(b["n"]["value"]) for b in json.loads(answer.body)["results"]["bindings"]}
    assert remote == local


#: where Virtuoso 7.2.5 answers differently and SPARQL does not allow it (listed in docs/scale-out.md): strict
#: xfails, so that a Virtuoso that answers right turns the test red and the entry is dropped
VIRTUOSO_DIFFERS = {
    "07-counterpart-pairs": "FILTER NOT EXISTS beside a rdfs:subClassOf* path drops rows (2 of 14 pairs missing)",
    "11-places": "FILTER NOT EXISTS beside a rdfs:subClassOf* path drops the places without located-in/"
                 "connects-to/contains values",
    "31-series-meetings": "BIND(EXISTS {...}) gives the integers 0/1, not xsd:boolean false/true",
    "42-participations-without-a-holding": "its SPARQL compiler fails with an internal error "
                                           "(sparp_find_origin_of_external_var: bad e_external_src_idx)",
    "43-co-chair-post-holders": "a boolean computed in BIND comes back as the integer 1, not xsd:boolean true",
    "44-holdings-overlapping-a-meeting": "a boolean computed in BIND comes back as the integer 1, not "
                                         "xsd:boolean true",
    "51-working-meetings": "refused on its cost estimate (8,560 s estimated, over MaxQueryCostEstimationTime "
                           "400 s) though Oxigraph answers in milliseconds",
    "53-meetings-between-two-plenaries": "refused on its cost estimate (1,387,442 s estimated, over "
                                         "MaxQueryCostEstimationTime 400 s) though Oxigraph answers in milliseconds",
}


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(reason=VIRTUOSO_DIFFERS[p.stem], strict=True))
    if p.stem in VIRTUOSO_DIFFERS else p for p in QUERY_FILES], ids=[p.stem for p in QUERY_FILES])
def test_competency_query_same_answer_on_virtuoso(pushed, path: Path) -> None:
    prepared, remote_settings = pushed
    local = OxigraphEngine.from_dataset(prepared.bundle.dataset, policy_for(prepared.settings))
    compare(path.read_text(encoding="utf-8"), local, make_engine(remote_settings, prepared.bundle))


def test_cli_push_to_virtuoso_then_serve_from_it(virtuoso: str, project_settings: Settings, tmp_path: Path) -> None:
    """`gbagraph push --user dba` (password from the environment) and `serve --sparql-backend` with the union graph:
    /sparql answers from Virtuoso with our named graphs as the dataset."""
    import os
    import sys

    union = "https://w3id.org/gbagraph/graph/union"
    env = {**os.environ, "GBAGRAPH_ROOT": str(project_settings.root), "GBAGRAPH_STORE_PASSWORD": DBA[1],
           "GBAGRAPH_SPARQL_BACKEND_UNION_GRAPH": union}
    done = subprocess.run([sys.executable, "-m", "gbagraph", "push", "--store", f"{virtuoso}/sparql-graph-crud-auth",
                           "--union-graph", union, "--user", DBA[0]], capture_output=True, text=True, timeout=300,
                          env=env)
    assert done.returncode == 0 and "pushed" in done.stderr, done.stderr
    prepared = prepare(project_settings.with_(validate=False, query_workers=0))
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?m a gba:Meeting }"
    expected = json.loads(prepared.engine.answer(QueryRequest(query, format="json")).body)
    pushed_triples = sum(prepared.bundle.graph_counts().values())
    accept = {"Accept": "application/sparql-results+json"}
    with serving_from_backend(f"{virtuoso}/sparql", env, tmp_path) as url:
        r = requests.get(url, params={"query": query}, headers=accept, timeout=60)
        assert r.status_code == 200, r.text
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == \
            int(expected["results"]["bindings"][0]["n"]["value"]) > 0
        # Virtuoso's own system graphs (~5.6k triples) are not in the answers: the dataset is ours
        total = requests.get(url, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
                             headers=accept, timeout=60)
        assert int(total.json()["results"]["bindings"][0]["n"]["value"]) == pushed_triples
