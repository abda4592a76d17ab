"""`gbagraph serve`: gunicorn in a subprocess answers SPARQL and logs each request; data that fails SHACL is
refused with the report; the app factory builds independent apps."""

from __future__ import annotations

import shutil

import pytest
import requests

from gbagraph import prepare, settings
from gbagraph.namespaces import BASE
from gbagraph.web import create_app
from gbagraph.web.serve import gunicorn_options

from .conftest import free_port, start, stop, stop_after_exit, wait_until_up


def test_serve_runs_gunicorn(mini_root):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    proc = start(mini_root, port)
    try:
        wait_until_up(base + "sparql", proc)
        r = requests.get(base + "sparql", params={"query": "SELECT ?s WHERE { ?s a gba:Official }"},
                         headers={"Accept": "text/csv"}, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert BASE + "id/person/ada-example" in r.text
        page = requests.get(base + "id/person/ada-example", headers={"Accept": "text/turtle"}, timeout=10)
        assert page.status_code == 200
        assert requests.get(base + "dumps", timeout=10).status_code == 200
    finally:
        log = stop(proc)
    assert "gunicorn" in log.lower() or "Booting worker" in log
    assert "gbagraph: serving" in log
    access = [line for line in log.splitlines() if '"GET /sparql?query=' in line]
    assert access and " 200 " in access[0] and "ms" in access[0] and "B " in access[0]
    assert "development server" not in log


def test_serve_refuses_invalid_data(mini_root, tmp_path):
    root = tmp_path / "bad"
    shutil.copytree(mini_root, root)
    p01 = root / "data" / "mini-source" / "p01.ttl"
    with open(p01, "a", encoding="utf-8") as f:
        f.write("\nperson:no-label a gba:Official .\n")
    line = p01.read_text(encoding="utf-8").splitlines().index("person:no-label a gba:Official .") + 1
    port = free_port()
    proc = start(root, port)
    log = stop_after_exit(proc)
    assert proc.returncode == 1
    assert "refusing to serve" in log and "does not conform" in log and "no-label" in log
    assert f"{p01}:{line}: Violation: person:no-label " in log, log  # bad data names file and line
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/sparql", timeout=2)


def test_serve_reports_load_error(tmp_path):
    (tmp_path / "ontology").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "ontology" / "broken.ttl").write_text("@prefix : <x> .\n:a :b ", encoding="utf-8")
    proc = start(tmp_path, free_port())
    log = stop_after_exit(proc)
    assert proc.returncode == 1
    assert "broken.ttl" in log and "Traceback" not in log


def test_gunicorn_options():
    opts = gunicorn_options(settings(), "::1", 8000, None)
    assert opts["bind"] == "[::1]:8000" and opts["preload_app"] is True and opts["workers"] >= 1
    assert opts["threads"] == settings().http_threads and opts["worker_class"].head_timeout == settings().head_timeout


def test_app_factory_independent_apps(mini_root):
    """No global state: two apps with different public URLs advertise different endpoints, same IRIs."""
    one = create_app(settings(root=mini_root))
    two = create_app(settings(root=mini_root, public_url="http://other.example/"))
    sd = {"Accept": "text/turtle"}
    assert b"<http://other.example/sparql>" in two.test_client().get("/sparql", headers=sd).data
    assert b"http://other.example/" not in one.test_client().get("/sparql", headers=sd).data
    query = {"query": "SELECT ?s WHERE { ?s a gba:Official } LIMIT 1"}
    assert one.test_client().get("/sparql", query_string=query).data == \
        two.test_client().get("/sparql", query_string=query).data


def test_same_prepared_twice(mini_root):
    """A Prepared handed to two apps: both engines see the dataset description."""
    prepared = prepare(settings(root=mini_root))
    ask = {"query": "ASK { GRAPH ?g { ?d a <http://rdfs.org/ns/void#Dataset> } }"}
    for _ in range(2):
        client = create_app(prepared=prepared).test_client()
        assert client.get("/sparql", query_string=ask).json["boolean"] is True


def test_the_app_is_ready_before_any_dump_is_built(mini_root):
    """``serve`` answers ``/healthz`` before any dump is written (issue 22: dumps after ready, never before; the
    bundled graph's took 1.7 s of its start); a dump is built when first asked for."""
    from gbagraph.web.serve import build_app

    app, dumps = build_app(settings(root=mini_root, query_workers=0))
    state = app.extensions["gbagraph"]
    assert dumps == "dumps on first request" and state.dumps.built() == []
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert state.dumps.built() == []
    answer = client.get("/dumps/gbagraph.nt")
    assert answer.status_code == 200 and BASE.encode() in answer.data
    assert state.dumps.built() == [("nt", False)]
