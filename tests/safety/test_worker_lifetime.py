"""Query worker processes never outlive their server (real ``gbagraph serve``, real signals).

Before, a query worker whose server process was killed ran on with ppid 1 and no time limit, holding the
listening port: the next ``gbagraph serve`` on that port failed with "Address already in use".
"""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from load.server import Server, call, listening, start
from tooling import children

pytestmark = pytest.mark.slow  # about 50 s: a killed master's server process lingers gunicorn's 10 s grace

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"



def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for a reaper)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


def holders_of(port: int) -> list[int]:
    """Processes holding a socket listening on ``port`` (from /proc/net/tcp and /proc/*/fd)."""
    inodes = set()
    with open("/proc/net/tcp", encoding="ascii") as f:
        for line in list(f)[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(fields[9])
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if any(link.startswith("socket:[") and link[8:-1] in inodes for link in links):
            found.append(int(pid))
    return found


@pytest.fixture()
def srv() -> Iterator[Server]:
    """One server process, two query workers (and no more: two query slots), a limit outlasting each test."""
    server = start(MINI, workers=1, env={"GBAGRAPH_QUERY_TIMEOUT": "60", "GBAGRAPH_RESPONSE_CACHE_MB": "0",
                                         "GBAGRAPH_MAX_CONCURRENT_QUERIES": "2"})
    try:
        yield server
    finally:
        server.stop()


def slow_query_in_flight(server: Server) -> tuple[int, list[int]]:
    """Start a slow query; (the server process answering it, its query workers)."""
    def ask() -> None:
        try:
            call(server.port, "GET", "/sparql?" + urlencode({"query": SLOW}), timeout=70)
        except (OSError, http.client.HTTPException):  # the server was killed under it: expected
            pass

    threading.Thread(target=ask, daemon=True).start()
    time.sleep(1.0)
    [front] = children(server.proc.pid)
    workers = children(front)
    assert len(workers) == 2, workers
    return front, workers


def test_query_workers_hold_no_listening_socket(srv: Server) -> None:
    _front, workers = slow_query_in_flight(srv)
    assert not set(workers) & set(holders_of(srv.port))


@pytest.mark.parametrize("victim", ["server process", "master"])
def test_a_killed_server_leaves_no_worker_behind(srv: Server, victim: str) -> None:
    front, workers = slow_query_in_flight(srv)
    os.kill(front if victim == "server process" else srv.proc.pid, signal.SIGKILL)
    if victim == "master":
        assert wait_gone([front], 15) == []  # gunicorn's worker sees its parent change, then its graceful 10 s
    assert wait_gone(workers, 3) == [], "a query worker outlived its server process"
    if victim == "server process":  # the master forks a replacement; stop it all without touching the group
        srv.proc.send_signal(signal.SIGTERM)
        srv.proc.wait(20)
    deadline = time.monotonic() + 5
    while listening(srv.port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert holders_of(srv.port) == []
    again = start(MINI, workers=1, port=srv.port, wait=60)  # the port is free for the next server
    try:
        assert again.health()["status"] == "ok"
    finally:
        again.stop()


def test_a_query_worker_ends_its_query_itself_if_its_server_is_stuck(tmp_path: Path) -> None:
    server = start(MINI, workers=1, env={"GBAGRAPH_QUERY_TIMEOUT": "3", "GBAGRAPH_RESPONSE_CACHE_MB": "0",
                                         "GBAGRAPH_MAX_CONCURRENT_QUERIES": "2"})
    try:
        front, workers = slow_query_in_flight(server)
        os.kill(front, signal.SIGSTOP)  # the server process cannot kill the worker at the limit now
        try:
            busy = [w for w in workers if alive(w)]
            assert wait_gone(busy, 3 + 2 + 3) != busy, "no query worker ended itself after its limit"
        finally:
            os.kill(front, signal.SIGCONT)
    finally:
        server.stop()
