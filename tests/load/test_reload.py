"""Reload without a cold restart: ``kill -HUP`` to the ``gbagraph serve`` master (gunicorn, 2 workers, on
127.0.0.1) picks up changed data while a client keeps querying, and every answer is a 200; data that does not
parse, fails SHACL or is inconsistent is reported (file and line, the report, the contradiction) and the previous
data keeps being served; a SIGHUP during the start is not lost.

Run on a copy of the mini fixture (quick) and of the bundled project (``slow``: its start and each reload build
every dump; ``GBAGRAPH_SHORT=1`` reloads once instead of three times).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from tooling import children

from .server import REPO, Server, call, start

MINI = REPO / "tests" / "fixtures" / "mini"
BASE = "https://w3id.org/gbagraph/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROBE = f"{BASE}id/person/reload-probe"  # untyped: no shape targets it, so a label on it conforms
UNLABELLED = f"{BASE}id/person/reload-unlabelled"  # an official without a label: a SHACL violation
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
ROUNDS = 1 if os.environ.get("GBAGRAPH_SHORT") else 3
RELOAD_SECONDS = 180  # a bound on each reload of the bundled graph on a busy 2-core machine

#: the project copied, and the data file the tests edit
PROJECTS = {
    "mini": (MINI, ("ontology", "data"), Path("data/mini-source/p01.ttl")),
    "bundled": (REPO, ("ontology", "data", "queries"), Path("data/plenary-19-press-release/p01.ttl")),
}


@pytest.fixture(scope="module", params=["mini", pytest.param("bundled", marks=pytest.mark.slow)])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A writable copy of the project: (root, the data file to edit).  Its server is shared by the tests of
    this module (each starts from whatever data the server holds and edits the file from there)."""
    source, folders, edited = PROJECTS[request.param]
    root = tmp_path_factory.mktemp(request.param) / "project"
    for folder in folders:
        shutil.copytree(source / folder, root / folder)
    return root, root / edited


@pytest.fixture(scope="module")
def server(project: tuple[Path, Path]) -> Iterator[Server]:
    running = start(project[0], workers=2, wait=RELOAD_SECONDS)
    try:
        yield running
    finally:
        running.stop()


def select(port: int, query: str) -> tuple[int, dict]:
    status, _headers, body, _seconds = call(port, "GET", "/sparql?" + urlencode({"query": query}),
                                            headers={"Accept": "application/sparql-results+json"})
    return status, json.loads(body) if status == 200 else {"error": body[:300]}


def ask(port: int, query: str) -> bool:
    status, answer = select(port, query)
    assert status == 200, answer
    return bool(answer["boolean"])


def triples(port: int) -> int:
    status, answer = select(port, COUNT)
    assert status == 200, answer
    return int(answer["results"]["bindings"][0]["n"]["value"])


def has_label(port: int, label: str) -> bool:
    return ask(port, f'ASK {{ <{PROBE}> <{LABEL}> "{label}"@en }}')


class Traffic:
    """A client sending queries one after another (on fresh connections) until stopped: every status seen, and
    every request that got no answer at all."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reload-traffic", daemon=True)

    def _run(self) -> None:
        targets = ["/sparql?" + urlencode({"query": COUNT}),
                   "/sparql?" + urlencode({"query": f"ASK {{ <{PROBE}> ?p ?o }}"}), "/healthz"]
        for n in range(1_000_000):  # bounded even if stop never comes
            if self._stop.is_set():
                return
            try:
                status, _headers, _body, _seconds = call(self.port, "GET", targets[n % len(targets)],
                                                         headers={"Accept": "application/sparql-results+json"},
                                                         timeout=30)
                self.statuses[status] += 1
            except OSError as exc:
                self.failures.append(f"{targets[n % len(targets)]}: {exc!r}")
            time.sleep(0.01)

    def __enter__(self) -> Traffic:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(60)
        assert not self._thread.is_alive(), "the traffic thread did not stop"

    def check(self) -> int:
        """Every request answered with a 200; how many there were."""
        assert not self.failures, f"requests refused or dropped during the reload: {self.failures[:5]}"
        assert set(self.statuses) == {200}, f"statuses during the reload: {dict(self.statuses)}"
        return sum(self.statuses.values())


def server_workers(server: Server) -> set[int]:
    """The gunicorn workers: the master's child processes."""
    return set(children(server.proc.pid))


def open_stores(pid: int) -> set[str]:
    """The cache's store folders (``store/KEY``) process ``pid`` has files open in."""
    out = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        parts = Path(target).parts
        if "store" in parts[:-1]:
            out.add(parts[parts.index("store") + 1])
    return out


def wait_for(what: str, condition: Callable[[], bool], server: Server, seconds: float = RELOAD_SECONDS) -> float:
    """Poll ``condition`` until it holds (bounded); the seconds it took."""
    start_time = time.monotonic()
    while time.monotonic() - start_time < seconds:
        assert server.proc.poll() is None, f"the server exited:\n{server.log()[-3000:]}"
        if condition():
            return time.monotonic() - start_time
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {seconds} s\n{server.log()[-3000:]}")


def hang_up(server: Server, seen_in_log: str) -> float:
    """SIGHUP to the master; wait until it logs ``seen_in_log`` (again) and every worker it had is replaced.
    The seconds from the signal to the new workers."""
    before, logged = server_workers(server), server.log().count(seen_in_log)
    start_time = time.monotonic()
    server.proc.send_signal(signal.SIGHUP)
    wait_for(f"{seen_in_log!r} logged after SIGHUP", lambda: server.log().count(seen_in_log) > logged, server)
    wait_for("the workers replaced", lambda: not server_workers(server) & before and
             len(server_workers(server)) == 2, server)
    return time.monotonic() - start_time


def add_line(path: Path, line: str) -> int:
    """Append ``line`` to ``path``; its line number."""
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + line + "\n"
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


def test_changed_data_is_picked_up_with_every_request_answered(server: Server, project: tuple[Path, Path]) -> None:
    edited = project[1]
    original = edited.read_text(encoding="utf-8")
    port = server.port
    log_before = server.log()
    assert not has_label(port, "Reload probe 1")
    stores = open_stores(server.proc.pid)
    assert stores, "the master has no store open"
    before, changed = triples(port), 0
    for n in range(1, ROUNDS + 1):
        edited.write_text(original, encoding="utf-8")
        add_line(edited, f'<{PROBE}> <{LABEL}> "Reload probe {n}"@en .')
        with Traffic(port) as traffic:
            seconds = hang_up(server, "gbagraph: reload: done")
            wait_for("the new label answered", lambda n=n: has_label(port, f"Reload probe {n}"), server, 30)
            time.sleep(0.5)  # a few more requests on the new workers
        sent = traffic.check()
        assert sent >= 10, f"only {sent} requests were sent during the reload"
        print(f"reload {n}: {seconds:.2f} s from SIGHUP to new workers; {sent} requests, all 200")
        assert not has_label(port, f"Reload probe {n - 1}")  # the file's previous version is gone
        changed = changed or triples(port)
        assert changed > before and triples(port) == changed  # each round adds the same, once
        # the replaced store is closed in the master; it holds the new one only
        now = open_stores(server.proc.pid)
        assert now and now.isdisjoint(stores), (stores, now)
        stores = now
    log = server.log()[len(log_before):]
    assert log.count("gbagraph: reload: preparing the current data") == ROUNDS
    done = [line for line in log.splitlines() if line.startswith("gbagraph: reload: done")]
    assert len(done) == ROUNDS and all("parse" in line and "validate" in line and "triples" in line for line in done)
    assert "Traceback" not in log and "refused" not in log

    # unchanged files: the cached store is opened again and the dumps built for it are kept
    status, _headers, dump, _seconds = call(port, "GET", "/dumps/gbagraph.nt")
    assert status == 200 and dump
    with Traffic(port) as traffic:
        hang_up(server, "gbagraph: reload: done")
    traffic.check()
    done_line = server.log().split("gbagraph: reload: done")[-1].splitlines()[0]
    assert "open " in done_line and "(cache)" in done_line and "dumps kept (same store)" in done_line, done_line
    assert triples(port) == changed
    assert call(port, "GET", "/dumps/gbagraph.nt")[2] == dump


@pytest.mark.slow  # three refused reloads; the default suite keeps the accepted reload
def test_data_that_cannot_be_served_is_refused_and_the_old_data_kept(server: Server,
                                                                     project: tuple[Path, Path]) -> None:
    edited = project[1]
    original = edited.read_text(encoding="utf-8")
    port = server.port
    log_before = server.log()
    before = triples(port)
    unlabelled = f"ASK {{ <{UNLABELLED}> ?p ?o }}"

    # a SHACL violation: reported with the focus node and the file, and never served
    add_line(edited, f"<{UNLABELLED}> a <{BASE}def/Official> .")
    with Traffic(port) as traffic:
        hang_up(server, "reload refused")
    traffic.check()
    refusal = server.log().split("reload refused")[-1]
    assert "does not conform" in refusal and "reload-unlabelled" in refusal and edited.name in refusal
    assert triples(port) == before and not ask(port, unlabelled)

    # a Turtle syntax error: reported with file and line, and the old data still served
    edited.write_text(original, encoding="utf-8")
    line = add_line(edited, f'<{PROBE}> <{LABEL}> "no closing quote .')
    with Traffic(port) as traffic:
        hang_up(server, "reload refused")
    traffic.check()
    refusal = server.log().split("reload refused")[-1].splitlines()[0]
    assert f"{edited.name}:{line}:" in refusal, refusal
    assert triples(port) == before and not has_label(port, "Reload probe fixed")

    # an inconsistent graph (a member of owl:Nothing, labelled as the shapes ask): reported, not served
    nothing = f"{BASE}id/person/reload-nothing"
    edited.write_text(original, encoding="utf-8")
    add_line(edited, f'<{nothing}> a <http://www.w3.org/2002/07/owl#Nothing> ; <{LABEL}> "Reload nothing"@en ; '
                     f'<http://www.w3.org/2004/02/skos/core#prefLabel> "Reload nothing"@en .')
    with Traffic(port) as traffic:
        hang_up(server, "reload refused")
    traffic.check()
    refusal = server.log().split("reload refused")[-1].splitlines()[0]
    assert f"{nothing} is inferred to be owl:Nothing" in refusal, refusal
    assert triples(port) == before and not ask(port, f"ASK {{ <{nothing}> ?p ?o }}")

    # fixed: the next SIGHUP serves it
    edited.write_text(original, encoding="utf-8")
    add_line(edited, f'<{PROBE}> <{LABEL}> "Reload probe fixed"@en .')
    with Traffic(port) as traffic:
        hang_up(server, "gbagraph: reload: done")
    traffic.check()
    assert has_label(port, "Reload probe fixed") and triples(port) > before
    log = server.log()[len(log_before):]
    assert log.count("reload refused") == 3 and "Traceback" not in log


@pytest.mark.slow  # a server of its own and a reload
def test_a_hang_up_while_starting_is_kept_for_later(tmp_path: Path) -> None:
    """SIGHUP while the graph is being prepared (``systemctl reload`` right after a start) neither ends the
    server (the signal's default action) nor is lost: once gunicorn is up it reloads."""
    root = tmp_path / "project"
    shutil.copytree(MINI, root)
    server = start(root, workers=2, wait=0)
    try:
        wait_for("prepare() started", lambda: "gbagraph: parse:" in server.log(), server, 60)
        server.proc.send_signal(signal.SIGHUP)
        wait_for("the reload after the start", lambda: "gbagraph: reload: done" in server.log(), server)
        assert server.health()["status"] == "ok"
        assert server.proc.poll() is None
    finally:
        log = server.stop()
    assert "Traceback" not in log
