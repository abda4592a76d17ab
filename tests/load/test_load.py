"""Load test: 16 concurrent clients for 60 s (8 s with ``GBAGRAPH_SHORT=1``) against ``gbagraph serve``
(gunicorn, 2 workers, the project's data) on 127.0.0.1, running the ``queries/*.rq`` examples mixed.

Zero errors; every answer equal to the single-client answer for that query (bindings compared as multisets);
memory flat (RSS of the gunicorn master and every process below it, sampled each second: the median of the last
third ≤ 1.25 × the median of the first third + 20 MB).  Prints requests/s, p50/p99 latency and peak RSS and
writes them to ``/tmp/gbagraph-load-<duration>s.json``.  The response cache is off, so every request is
evaluated by the engine."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest

from .server import REPO, start

CLIENTS = 16
SECONDS = 8.0 if os.environ.get("GBAGRAPH_SHORT") else 60.0
MAX_REQUESTS_PER_CLIENT = 100_000  # a bound even if the clock misbehaves
RESULTS = "application/sparql-results+json"
TRIPLES = "application/n-triples"


def example_queries() -> dict[str, str]:
    """The top-level ``queries/*.rq`` (``queries/federated/`` calls Wikidata: not a load for this server)."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((REPO / "queries").glob("*.rq"))}


def accept_for(text: str) -> str:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return TRIPLES if "CONSTRUCT" in body.upper().split("WHERE")[0] else RESULTS


def normalise(content_type: str, body: bytes) -> object:
    """An answer as a comparable value: SELECT bindings as a multiset, ASK's boolean, triples as a multiset."""
    if content_type.startswith(RESULTS):
        data = json.loads(body)
        if "boolean" in data:
            return ("ask", data["boolean"])
        rows = Counter()
        for row in data["results"]["bindings"]:
            rows[frozenset((var, term["type"], "_:b" if term["type"] == "bnode" else term["value"],
                            term.get("datatype", ""), term.get("xml:lang", ""))
                           for var, term in row.items())] += 1
        return ("select", tuple(data["head"].get("vars", [])), frozenset(rows.items()))
    lines = Counter(line.strip() for line in body.decode("utf-8").splitlines() if line.strip())
    return ("graph", frozenset(lines.items()))


def ask(port: int, text: str, accept: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/sparql", body=urlencode({"query": text}).encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@pytest.mark.slow
def test_sixteen_clients_mixed_examples() -> None:
    queries = example_queries()
    assert len(queries) >= 20
    server = start(env={"GBAGRAPH_RESPONSE_CACHE_MB": "0"})
    pids: list[int] = []
    try:
        port = server.port
        expected = {}
        for name, text in queries.items():  # the single-client answers (and both processes warmed)
            for _ in range(3):
                status, ctype, body = ask(port, text, accept_for(text))
                assert status == 200, (name, body[:300])
            expected[name] = normalise(ctype, body)

        rss, latencies, errors, elapsed = run_clients(server, queries, expected)
        pids = server.pids()
        assert server.health()["status"] == "ok"
    finally:
        server.stop()

    third = max(1, len(rss) // 3)
    first, last = statistics.median(rss[:third]), statistics.median(rss[-third:])
    figures = {
        "clients": CLIENTS, "seconds": round(elapsed, 1), "responses": len(latencies),
        "errors": len(errors), "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1), "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1), "peak_rss_mb": round(max(rss) / 2**20, 1),
        "rss_first_third_median_mb": round(first / 2**20, 1), "rss_last_third_median_mb": round(last / 2**20, 1),
        "rss_samples": len(rss), "queries": len(queries), "response_cache": False,
    }
    out = Path(f"/tmp/gbagraph-load-{int(SECONDS)}s.json")
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"\nload: {figures['requests_per_s']} req/s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
          f"peak RSS {figures['peak_rss_mb']} MB, errors {figures['errors']} ({out})")
    time.sleep(0.5)
    assert not [p for p in pids if Path(f"/proc/{p}").exists() and _is_ours(p)], "server processes left running"
    assert not errors, errors[:10]
    assert latencies and len(rss) >= 3
    assert last <= 1.25 * first + 20 * 2**20, figures


def run_clients(server, queries: dict[str, str], expected: dict[str, object]
                ) -> tuple[list[int], list[float], list[str], float]:
    """CLIENTS threads sending the examples round-robin for SECONDS: (RSS samples, latencies, errors, seconds)."""
    port = server.port
    rss: list[int] = []
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS
    names = list(queries)

    def sample() -> None:
        while time.monotonic() < stop_at:
            rss.append(server.rss_bytes())
            time.sleep(1.0)

    def client(i: int) -> None:
        mine: list[float] = []
        for n in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= stop_at:
                break
            name = names[(i * 7 + n) % len(names)]
            text = queries[name]
            t0 = time.monotonic()
            try:
                status, ctype, body = ask(port, text, accept_for(text))
                mine.append(time.monotonic() - t0)
                if status != 200:
                    problem = f"{name}: HTTP {status} {body[:200]!r}"
                elif normalise(ctype, body) != expected[name]:
                    problem = f"{name}: answer differs from the single-client answer"
                else:
                    continue
            except Exception as exc:  # every failure is counted
                problem = f"{name}: {type(exc).__name__}: {exc}"
            with lock:
                errors.append(problem)
        with lock:
            latencies.extend(mine)

    sampler = threading.Thread(target=sample, daemon=True)
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    started = time.monotonic()
    sampler.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 120)
    elapsed = time.monotonic() - started
    sampler.join(5)
    assert not any(t.is_alive() for t in threads), "a client did not stop"
    return rss, latencies, errors, elapsed


def _is_ours(pid: int) -> bool:
    try:
        return "gbagraph" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
