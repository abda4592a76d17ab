"""Dumps of big graphs: written from the pyoxigraph store into the cache folder in the background (never through
rdflib, never before the server answers); /dumps lists what is built with size and SHA-256 and says "being
prepared" for the rest; the gzip files are reproducible (same inputs, same checksum)."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from pathlib import Path

import pytest
import requests
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from werkzeug.serving import make_server

from gbagraph.config import Settings
from gbagraph.export import build_dump_files
from gbagraph.formats import by_name
from gbagraph.pipeline import prepare
from gbagraph.web import create_app
from gbagraph.web import dumpfiles as dumps_module


def _settings(root: Path, cache: Path) -> Settings:
    return Settings(root=root, cache_dir=str(cache), query_workers=0)


def test_gzip_dumps_are_reproducible(mini_copy: Path, tmp_path: Path) -> None:
    sums = []
    for run in ("a", "b"):  # two caches: two stores built from the same inputs
        prepared = prepare(_settings(mini_copy, tmp_path / f"cache-{run}"))
        meta = build_dump_files(prepared.store, prepared.bundle.base, by_name("nq"), tmp_path / f"out-{run}",
                                inferred=True)
        sums.append((meta["sha256"], meta["gzip_sha256"]))
        assert meta["gzip_sha256"] == hashlib.sha256((tmp_path / f"out-{run}" / "gbagraph-inferred.nq.gz")
                                                     .read_bytes()).hexdigest()
    assert sums[0] == sums[1]


def test_big_graph_dumps_come_from_the_store_in_the_background(mini_copy: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dumps_module, "STORE_DUMPS_FROM", 0)  # the mini graph counts as big here
    prepared = prepare(_settings(mini_copy, tmp_path / "cache"))
    app = create_app(prepared=prepared)
    assert app.extensions["gbagraph"].store_dumps is not None
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{srv.server_port}/"
    try:
        first = requests.get(url + "dumps", headers={"Accept": "application/json"}, timeout=30).json()["dumps"]
        assert {d["name"] for d in first} >= {"gbagraph.nq", "gbagraph-inferred.ttl.gz"}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            listing = requests.get(url + "dumps", headers={"Accept": "application/json"}, timeout=30).json()["dumps"]
            if all(d["status"] == "ready" for d in listing):
                break
            assert {d["status"] for d in listing} <= {"ready", "being prepared"}
            time.sleep(0.2)
        by = {d["name"]: d for d in listing}
        assert all(d["status"] == "ready" for d in listing), [d["name"] for d in listing if d["status"] != "ready"]
        for name in ("gbagraph.nq", "gbagraph-inferred.trig.gz", "gbagraph.ttl", "gbagraph-inferred.jsonld"):
            r = requests.get(url + "dumps/" + name, timeout=30)
            assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == by[name]["sha256"]
            assert len(r.content) == by[name]["bytes"]
        dataset = Dataset()
        dataset.parse(data=requests.get(url + "dumps/gbagraph-inferred.nq", timeout=30).content, format="nquads")
        assert {str(g.identifier) for g in dataset.graphs() if len(g)} == set(prepared.bundle.graph_counts())
        curated = Graph().parse(data=gzip.decompress(requests.get(url + "dumps/gbagraph.nt.gz", timeout=30).content),
                                format="nt")
        want = Graph()
        for g in prepared.bundle.dataset.graphs():
            if len(g) and not str(g.identifier).endswith("/graph/inferred"):
                want += g
        assert isomorphic(curated, want) and len(curated) == by["gbagraph.nt"]["triples"]
        assert requests.get(url + "dumps/entities.csv", timeout=30).status_code == 404
    finally:
        srv.shutdown()
        thread.join(5)
