"""Fixtures of the safety tests: a generated graph, engines over it, and a listener that must stay silent."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from rdflib import Dataset, Literal, URIRef

from gbagraph.query import OxigraphEngine, Policy
from gbagraph.reference.engine import RdflibEngine

EX = "http://example.org/safety/"
TRIPLES = 3000


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """3000 triples in one named graph (300 subjects, 7 predicates): a 5-way cross product never ends."""
    ds = Dataset(default_union=True)
    g = ds.graph(URIRef(EX + "graph/main"))
    for i in range(TRIPLES):
        g.add((URIRef(f"{EX}s{i % 300}"), URIRef(f"{EX}p{i % 7}"), Literal(i)))
    return ds


@pytest.fixture(scope="session")
def ox_engine(dataset: Dataset) -> OxigraphEngine:
    return OxigraphEngine.from_dataset(dataset, Policy())


@pytest.fixture(scope="session")
def rdflib_engine(dataset: Dataset) -> RdflibEngine:
    return RdflibEngine(dataset, Policy())


@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 recording every connection made to it."""

    port: int
    connections: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def settle(self, seconds: float = 0.3) -> list[bytes]:
        """Wait briefly for late connections, then the list of them."""
        time.sleep(seconds)
        return list(self.connections)


@contextmanager
def listening() -> Iterator[Listener]:
    """A ``Listener`` for the duration of the block (accept loop bounded in time)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    found = Listener(server.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        deadline = time.monotonic() + 600  # bounded even if the block never ends
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    found.connections.append(conn.recv(1024) or b"(connected)")
                except OSError:
                    found.connections.append(b"(connected)")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        stop.set()
        thread.join(5)
        server.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    with listening() as found:
        yield found
