"""A real HTTP server on 127.0.0.1 for the web tests: the mini fixture always, the project's own data too when it
is there (and prepares cleanly)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from gbagraph import Prepared, QueryRequest, prepare, settings
from gbagraph.examples import Example
from gbagraph.web import create_app

REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "tests" / "fixtures" / "mini"

EXAMPLES = {
    "01-officials.rq": "# Which officials are in the graph, with their labels?\n"
                       "SELECT ?official ?label WHERE { ?official a gba:Official ; rdfs:label ?label }\n"
                       "ORDER BY ?label\n",
    "02-classes.rq": "# How many things of each class?\n# (a second comment line)\n"
                     "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)\n",
}


@dataclass
class Server:
    """A running server: its root URL and what it serves."""

    url: str
    prepared: Prepared
    name: str
    examples: list[Example]

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    @property
    def base(self) -> str:
        return self.prepared.bundle.base

    def select(self, query: str) -> list[dict]:
        """Bindings of a SELECT run through the endpoint."""
        r = requests.get(self.sparql, params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                         timeout=30)
        r.raise_for_status()
        return r.json()["results"]["bindings"]

    def some_resource(self) -> str:
        """An IRI under ``{base}id/`` that is the subject of a typed triple."""
        rows = self.select(f'SELECT ?s WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), "{self.base}id/")) }} '
                           "ORDER BY ?s LIMIT 1")
        return rows[0]["s"]["value"]


@pytest.fixture(scope="session")
def mini_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture with a queries/ folder of examples."""
    root = tmp_path_factory.mktemp("mini") / "root"
    shutil.copytree(MINI, root)
    (root / "queries").mkdir(exist_ok=True)
    for name, text in EXAMPLES.items():
        (root / "queries" / name).write_text(text, encoding="utf-8")
    return root


def _real_root() -> Path:
    """The checkout's own data: it must be there (a missing or broken data folder fails the tests, never skips)."""
    assert any((REPO / "data").glob("*/*.ttl")), f"no curated data under {REPO / 'data'}"
    assert any((REPO / "ontology").glob("*.ttl")), f"no ontology under {REPO / 'ontology'}"
    return REPO


def run_server(app) -> tuple[str, object, threading.Thread]:
    """Serve ``app`` on a free port.  One query first, so that the engine's worker processes (if any) start
    now, before anything else (e.g. a browser driver) has pipes they could inherit."""
    app.extensions["gbagraph"].engine.answer(QueryRequest("ASK {}"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}/", server, thread


@pytest.fixture(scope="session", params=["mini", "real"])
def server(request: pytest.FixtureRequest, mini_root: Path) -> Iterator[Server]:
    """The app on a free port (werkzeug's server in a thread), for the mini fixture and the real data."""
    if request.param == "mini":
        root = mini_root
    else:
        root = _real_root()
    prepared = prepare(settings(root=root))  # data that fails SHACL or does not parse fails every test here
    app = create_app(prepared=prepared)
    url, srv, thread = run_server(app)
    yield Server(url, app.extensions["gbagraph"].prepared, request.param, app.extensions["gbagraph"].examples)
    stop_server(app, srv, thread)


@pytest.fixture(scope="session")
def mini_server(mini_root: Path) -> Iterator[Server]:
    """The mini fixture only (tests that need known content)."""
    app = create_app(settings(root=mini_root))
    url, srv, thread = run_server(app)
    yield Server(url, app.extensions["gbagraph"].prepared, "mini", app.extensions["gbagraph"].examples)
    stop_server(app, srv, thread)


def stop_server(app, srv, thread: threading.Thread) -> None:
    srv.shutdown()
    thread.join(5)
    close = getattr(app.extensions["gbagraph"].engine, "close", None)
    if callable(close):  # stop the engine's worker processes
        close()


# --- `gbagraph serve` in a subprocess (gunicorn) ---

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(root: Path, port: int, *extra: str) -> subprocess.Popen:
    """``gbagraph serve`` on ``port``; its output goes to a temporary file (read by ``stop``)."""
    cmd = [sys.executable, "-m", "gbagraph", "--root", str(root), *extra, "serve", "--host", "127.0.0.1",
           "--port", str(port), "--workers", "2"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = tempfile.TemporaryFile("w+", encoding="utf-8")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    proc.log = log  # type: ignore[attr-defined]
    return proc


def _output(proc: subprocess.Popen) -> str:
    log = proc.log  # type: ignore[attr-defined]
    log.seek(0)
    text = log.read()
    log.close()
    return text


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited {proc.returncode}: {stop(proc)}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def stop(proc: subprocess.Popen) -> str:
    """Stop the server (SIGTERM: gunicorn's arbiter stops its workers) and return everything it printed."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    return _output(proc)


def stop_after_exit(proc: subprocess.Popen) -> str:
    """Wait for a server that should exit by itself (e.g. refusing bad data)."""
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pass
    return stop(proc)
