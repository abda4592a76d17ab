"""Slow clients and slow queries cannot starve ``gbagraph serve`` (real server on 127.0.0.1, real sockets).

Under gunicorn's sync workers (one request at a time per process, no header deadline) two idle connections, two
slow-drip clients or two slow queries held every server process: ``/healthz`` waited for them.  Here the
server runs its threaded front: idle connections take no thread, a request head has ``head_timeout`` seconds
from its first byte, and a query waits on a query worker process while other threads answer.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from load.server import Server, call, start

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
HEAD_TIMEOUT = 2.0
#: never ends on its own on any graph (a count over a 5-way cross product): runs until its time limit
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
PAGE = "/id/person/ada-example"


def quick(port: int, target: str = "/healthz", tries: int = 3) -> float:
    """The median seconds of ``tries`` GETs of ``target``, each on a fresh connection; each must succeed."""
    times = []
    for _ in range(tries):
        status, _headers, body, seconds = call(port, "GET", target, timeout=30)
        assert status == 200, (target, status, body[:300])
        times.append(seconds)
    return statistics.median(times)


@pytest.fixture(scope="module")
def srv() -> Iterator[Server]:
    """Two server processes (as the sync model had), four threads each, a 2 s head deadline."""
    server = start(MINI, workers=2, env={"GBAGRAPH_HEAD_TIMEOUT": str(HEAD_TIMEOUT), "GBAGRAPH_HTTP_THREADS": "4",
                                        "GBAGRAPH_RESPONSE_CACHE_MB": "0"})
    try:
        yield server
    finally:
        server.stop()


def test_idle_connections_do_not_block_other_requests(srv: Server) -> None:
    idle = [socket.create_connection(("127.0.0.1", srv.port), timeout=5) for _ in range(10)]  # more than threads
    try:
        time.sleep(0.5)  # accepted by now
        assert quick(srv.port) < 1.0
        assert quick(srv.port, PAGE) < 1.0
    finally:
        for sock in idle:
            sock.close()


def healthz(sock: socket.socket) -> bytes:
    """One ``GET /healthz`` on a kept-alive connection: the answer's status line, after reading all of it."""
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed a kept-alive connection"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head.split(b"\r\n")[0]


def test_connections_kept_alive_after_an_answer_do_not_hold_threads(srv: Server) -> None:
    """A thread answering a kept-alive connection waits there briefly for the next request (``front.LINGER``),
    then hands the connection back: more quiet kept-alive clients than threads leave the server answering."""
    kept = [socket.create_connection(("127.0.0.1", srv.port), timeout=10) for _ in range(10)]  # more than threads
    try:
        assert {healthz(sock) for sock in kept} == {b"HTTP/1.1 200 OK"}
        time.sleep(0.3)
        assert quick(srv.port) < 1.0
        assert quick(srv.port, PAGE) < 1.0
        assert {healthz(sock) for sock in kept[:3]} == {b"HTTP/1.1 200 OK"}  # still served when they speak again
    finally:
        for sock in kept:
            sock.close()


def drip(port: int, closed_after: dict[str, float], stop: threading.Event) -> None:
    """Send a request head a byte every 0.2 s until the server closes the connection (or 15 s)."""
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"x" * 200 + b"\r\n\r\n"
    start_time = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        for byte in head:
            if stop.is_set() or time.monotonic() - start_time > 15:
                return
            try:
                sock.sendall(bytes([byte]))
                time.sleep(0.2)
                sock.setblocking(False)
                try:
                    if sock.recv(1) == b"":
                        break
                except BlockingIOError:
                    pass
                finally:
                    sock.setblocking(True)
            except OSError:  # reset by the server
                break
        closed_after[threading.current_thread().name] = time.monotonic() - start_time


def test_slow_drip_clients_are_cut_off_and_do_not_block_others(srv: Server) -> None:
    closed: dict[str, float] = {}
    stop = threading.Event()
    drips = [threading.Thread(target=drip, args=(srv.port, closed, stop), name=f"drip{i}") for i in range(2)]
    for thread in drips:
        thread.start()
    try:
        time.sleep(0.8)  # both are dripping their heads now
        assert quick(srv.port) < 1.0
        assert quick(srv.port, PAGE) < 1.0
        for thread in drips:
            thread.join(20)
    finally:
        stop.set()
    assert len(closed) == 2, "the server never closed a slow-drip connection"
    assert all(HEAD_TIMEOUT - 0.5 < seconds < HEAD_TIMEOUT + 2.5 for seconds in closed.values()), closed
    assert "did not send its request line and headers" in srv.log()


def test_keep_alive_reuses_one_connection(srv: Server) -> None:
    ports = set()
    with requests.Session() as session:
        for _ in range(5):
            response = session.get(srv.url + "healthz", timeout=10, stream=True)
            ports.add(response.raw._connection.sock.getsockname()[1])  # our end of the connection
            assert response.status_code == 200 and response.content
    assert len(ports) == 1, ports


@pytest.fixture(scope="module")
def busy() -> Iterator[Server]:
    """One server process with two query slots and two query workers: two slow queries fill it."""
    server = start(MINI, workers=1, env={"GBAGRAPH_MAX_CONCURRENT_QUERIES": "2", "GBAGRAPH_QUERY_WORKERS": "2",
                                        "GBAGRAPH_QUERY_TIMEOUT": "8", "GBAGRAPH_RESPONSE_CACHE_MB": "0"})
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow  # two queries run to their 8 s limit; the default suite keeps the idle/drip cases
def test_slow_queries_leave_pages_answering_and_an_extra_query_gets_503(busy: Server) -> None:
    outcome: list[tuple[int, float]] = []

    def slow() -> None:
        status, _h, _b, seconds = call(busy.port, "GET", "/sparql?" + urlencode({"query": SLOW}),
                                       headers={"Accept": "application/sparql-results+json"}, timeout=30)
        outcome.append((status, seconds))

    threads = [threading.Thread(target=slow) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)  # both are being evaluated now
        assert quick(busy.port) < 1.0
        assert quick(busy.port, PAGE) < 1.0
        status, headers, body, seconds = call(busy.port, "GET", "/sparql?" + urlencode({"query": "ASK {?s ?p ?o}"}))
        assert status == 503 and headers.get("retry-after"), (status, body[:300])
        assert seconds < 3, seconds  # refused after the queue's short wait, not after a slow query
    finally:
        for thread in threads:
            thread.join(30)
    assert [s for s, _ in outcome] == [503, 503] and all(t < 12 for _, t in outcome), outcome  # stopped at 8 s
    assert call(busy.port, "GET", "/sparql?" + urlencode({"query": "ASK {?s ?p ?o}"}))[0] == 200


@pytest.mark.slow  # a server of its own and three ~30 MB answers (~15 s)
def test_clients_that_stop_reading_their_answers_are_cut_off() -> None:
    """Three clients (as many as the threads) ask for a ~30 MB answer and never read it: each thread waits on
    a full window, until ``head_timeout`` of no progress cuts the client off and frees it."""
    server = start(MINI, workers=1, env={"GBAGRAPH_HEAD_TIMEOUT": str(HEAD_TIMEOUT), "GBAGRAPH_HTTP_THREADS": "3",
                                         "GBAGRAPH_MAX_CONCURRENT_QUERIES": "3", "GBAGRAPH_RESPONSE_CACHE_MB": "0"})
    stalled = []
    try:
        target = "/sparql?" + urlencode({"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"})
        for _ in range(3):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a tiny window, never read
            sock.connect(("127.0.0.1", server.port))
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n".encode())
            stalled.append(sock)
        deadline = time.monotonic() + 40  # answered (a few seconds each), stuck on the full window, cut off
        while server.log().count("read none of its answer") < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.log().count("read none of its answer") == 3, server.log()[-2000:]
        assert quick(server.port) < 1.0
    finally:
        for sock in stalled:
            sock.close()
        server.stop()
