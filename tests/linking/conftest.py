"""Fixtures: a real SPARQL server on 127.0.0.1 (the ``oxigraph`` command) loaded with the FAKE Wikidata-shaped
graph of linkdata.py, and a tiny project whose people, bodies and places are looked up in it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from linkdata import WIKIDATA_FIXTURE, free_port, make_project, wait_for
from tooling import require_tool, stop_process


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of an ``oxigraph serve-read-only`` loaded with WIKIDATA_FIXTURE (stopped by PID)."""
    oxigraph = require_tool("oxigraph", "pip install oxigraph")
    folder = tmp_path_factory.mktemp("wikidata-fixture")
    data = folder / "fixture.ttl"
    data.write_text(WIKIDATA_FIXTURE, encoding="utf-8")
    store = folder / "store"
    subprocess.run([oxigraph, "load", "--location", str(store), "--file", str(data)], check=True,
                   capture_output=True, timeout=60)
    port = free_port()
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_for(url, proc)
        yield url
    finally:
        stop_process(proc)
        log.close()


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")
