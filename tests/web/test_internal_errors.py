"""Our faults are 500s, logged with their traceback; the client's are 400s, not logged.

The fault is real, not mocked: the app is built by ``create_app`` around an engine made wrongly at the process
boundary (a policy whose prefix table holds a number, so pyoxigraph refuses the argument with a TypeError — a bug
of ours, not of the query), served on 127.0.0.1, in this process and behind real query worker processes (the
traceback then crosses a process boundary before it is logged)."""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from gbagraph import prepare, settings
from gbagraph.pipeline import policy_for
from gbagraph.query import Engine, OxigraphEngine
from gbagraph.web import create_app
from gbagraph.workers import WorkerPoolEngine

TIMEOUT = 30


def _serve(engine: Engine, mini_root: Path) -> Iterator[str]:
    prepared = prepare(settings(root=mini_root, query_workers=0))
    app = create_app(prepared=dataclasses.replace(prepared, engine=engine))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sparql"
    finally:
        server.shutdown()
        thread.join(5)
        close = getattr(engine, "close", None)
        if callable(close):
            close()


def _broken_engine(mini_root: Path) -> OxigraphEngine:
    """A real engine over the mini graph whose prefix table (our own code builds it) is not text."""
    prepared = prepare(settings(root=mini_root, query_workers=0))
    policy = policy_for(prepared.settings)
    return OxigraphEngine(prepared.store, dataclasses.replace(policy, prefixes={"gba": 1}))  # type: ignore[dict-item]


@pytest.fixture(scope="module", params=["in-process", "query-workers"])
def broken(request: pytest.FixtureRequest, mini_root: Path) -> Iterator[str]:
    inner = _broken_engine(mini_root)
    engine: Engine = inner if request.param == "in-process" else WorkerPoolEngine(inner, workers=1, timeout=20)
    yield from _serve(engine, mini_root)


@pytest.fixture(scope="module")
def sound(mini_root: Path) -> Iterator[str]:
    prepared = prepare(settings(root=mini_root, query_workers=0))
    yield from _serve(prepared.engine, mini_root)


def _records(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() + "\n" + (caplog.handler.formatter or logging.Formatter()).formatException(r.exc_info)
                     if r.exc_info else r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def test_an_internal_fault_is_a_logged_500(broken: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    r = requests.get(broken, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, timeout=TIMEOUT)
    assert r.status_code == 500, r.text
    assert "Traceback" not in r.text and "query.py" not in r.text  # the client sees no traceback
    assert r.headers["Cache-Control"] == "no-store"
    logged = _records(caplog)
    assert "Traceback" in logged and "TypeError" in logged, logged
    assert "query.py" in logged, logged  # the frame of ours that failed


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ",  # pyoxigraph: SyntaxError
    "SELECT * WHERE { ?s ?p ?o FILTER(<http://example.org/no-such-function>(?o)) }",  # pyoxigraph: RuntimeError
], ids=["syntax", "unknown-function"])
def test_a_bad_query_is_the_clients_400_and_not_logged(sound: str, caplog: pytest.LogCaptureFixture,
                                                        query: str) -> None:
    caplog.set_level(logging.ERROR)
    r = requests.get(sound, params={"query": query}, timeout=TIMEOUT)
    assert r.status_code == 400, r.text
    assert not _records(caplog)
