"""Heavy queries at once stay within the server-wide memory budget (real ``gbagraph serve``, real queries).

Before, ``query_memory_mb`` bounded each query alone: two heavy queries took 1.8 + 1.8 GB.  Here the budget is
split between the query workers, so both heavy queries are stopped (503) with the tree's growth under the
budget.  A watchdog samples the query workers' resident memory every 50 ms and kills the server if it runs past
the budget by a margin, so the test stays bounded even when the protection is missing.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from load.server import call, start
from tooling import children, rss

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
BUDGET_MB = 600
#: sorts a 5-way cross product: memory grows until the query is stopped
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?x ?o } ORDER BY ?o ?l"




def query_workers(master: int) -> list[int]:
    return [w for front in children(master) for w in children(front)]


@pytest.mark.slow  # two queries grow to their share; the refused-at-start case stays in the default suite
def test_two_heavy_queries_stay_within_the_budget() -> None:
    server = start(MINI, workers=1, env={"GBAGRAPH_QUERY_WORKERS": "2", "GBAGRAPH_MAX_CONCURRENT_QUERIES": "2",
                                         "GBAGRAPH_QUERY_MEMORY_MB": "2048",
                                         "GBAGRAPH_QUERY_MEMORY_BUDGET_MB": str(BUDGET_MB),
                                         "GBAGRAPH_QUERY_TIMEOUT": "25", "GBAGRAPH_RESPONSE_CACHE_MB": "0"})
    try:
        call(server.port, "GET", "/sparql?" + urlencode({"query": "ASK {?s ?p ?o}"}))  # both workers warm
        workers = query_workers(server.proc.pid)
        assert len(workers) == 2, workers
        baseline = {w: rss(w) for w in workers}  # a replacement's, when first seen (idle after its warm-up)
        peak, stop = [0], threading.Event()

        def watch() -> None:
            deadline = time.monotonic() + 60
            while not stop.is_set() and time.monotonic() < deadline:
                now = {w: rss(w) for w in query_workers(server.proc.pid)}
                grown = sum(size - baseline.setdefault(w, size) for w, size in now.items())
                peak[0] = max(peak[0], grown)
                if grown > (BUDGET_MB + 400) * 2**20:  # far past the budget: stop before the machine suffers
                    os.killpg(server.proc.pid, signal.SIGKILL)
                    return
                time.sleep(0.05)

        outcome: list[tuple[int, bytes]] = []

        def hungry() -> None:
            try:
                status, _h, body, _s = call(server.port, "GET", "/sparql?" + urlencode({"query": HUNGRY}), timeout=60)
                outcome.append((status, body))
            except OSError as exc:  # the watchdog killed the server
                outcome.append((0, str(exc).encode()))

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        queries = [threading.Thread(target=hungry) for _ in range(2)]
        for thread in queries:
            thread.start()
        for thread in queries:
            thread.join(60)
        stop.set()
        watcher.join(5)
        print(f"query workers grew by {peak[0] / 2**20:.0f} MB at most (budget {BUDGET_MB} MB)")
        assert peak[0] <= BUDGET_MB * 2**20, f"query workers grew by {peak[0] / 2**20:.0f} MB (budget {BUDGET_MB})"
        assert [status for status, _ in outcome] == [503, 503], outcome
        assert all(b"300 MB" in body for _, body in outcome), outcome  # each stopped at its share
        assert call(server.port, "GET", "/sparql?" + urlencode({"query": "ASK {?s ?p ?o}"}))[0] == 200
    finally:
        server.stop()


def test_a_budget_too_small_to_share_is_refused_at_start() -> None:
    server = start(MINI, workers=2, env={"GBAGRAPH_QUERY_WORKERS": "2", "GBAGRAPH_QUERY_MEMORY_BUDGET_MB": "100"},
                   wait=0)
    try:
        assert server.proc.wait(60) == 1
    finally:
        log = server.stop()
    assert "query_memory_budget_mb=100 leaves 12 MB" in log and "Traceback" not in log
