"""``gbagraph serve`` under hostile pressure (issue 19): requests/s and p99 latency of clients looping over the
competency queries, quiet and then with 2 idle connections + 2 slow-drip clients open, and with 2 slow queries
in flight; then the peak PSS of the process tree with four memory-heavy queries in flight.

``python -m benchmarks.serve_pressure [--root ROOT] [--seconds 8] [--clients 4] [--cache-mb 0] [--budget-mb 2048]
[--limit-mb 6000] [--src PATH]``.  ``--src`` runs another checkout's ``src`` (e.g. an older commit, to compare
serving models).  Everything on 127.0.0.1; every server is stopped; a PSS watchdog kills the tree past
``--limit-mb``.  Prints one JSON object."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import requests

from .harness import ACCEPT, PssSampler, free_port, percentile, tree_pss_mb

REPO = Path(__file__).resolve().parents[1]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
HEAVY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?o ?l ?c"


def competency_queries(root: Path) -> list[str]:
    from gbagraph.sparqltext import form

    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "queries").glob("*.rq"))]
    return [t for t in texts if form(t) in ACCEPT]


@contextmanager
def serving(root: Path, env: dict[str, str], src: Path | None, workers: int) -> Iterator[tuple[int, int]]:
    """(port, master pid) of ``gbagraph serve`` on ``root`` until the block ends."""
    port = free_port()
    full = {**os.environ, **env, **({"PYTHONPATH": str(src)} if src else {})}
    log = tempfile.NamedTemporaryFile(prefix="gbagraph-pressure-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "-m", "gbagraph", "--root", str(root), "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--workers", str(workers)], stdout=log, stderr=subprocess.STDOUT,
                            env=full, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {Path(log.name).read_text()[-2000:]}")
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        time.sleep(1.0)  # every server process forked and warm
        yield port, proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.unlink(log.name)


def load(port: int, queries: list[str], clients: int, seconds: float) -> dict[str, float]:
    """Requests/s, median and p99 latency (ms) and errors of ``clients`` threads looping over ``queries``."""
    from gbagraph.sparqltext import form

    times: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def loop(i: int) -> None:
        with requests.Session() as session:
            k = i
            while time.monotonic() < stop:
                text = queries[k % len(queries)]
                start = time.perf_counter()
                try:
                    r = session.get(f"http://127.0.0.1:{port}/sparql", params={"query": text},
                                    headers={"Accept": ACCEPT[form(text) or "SELECT"]}, timeout=60)
                    if r.status_code != 200:
                        errors[i] += 1
                except requests.RequestException:
                    errors[i] += 1
                times[i].append((time.perf_counter() - start) * 1000)
                k += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    flat = [x for xs in times for x in xs]
    return {"rps": round(len(flat) / elapsed, 1), "median_ms": round(statistics.median(flat), 2),
            "p99_ms": round(percentile(flat, 0.99), 2), "requests": len(flat), "errors": sum(errors)}


@contextmanager
def idle_and_drip(port: int) -> Iterator[None]:
    """2 idle connections and 2 clients dripping a request head a byte every 0.5 s, reconnecting when cut."""
    stop = threading.Event()
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]

    def drip() -> None:
        while not stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                    for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"y" * 500:
                        if stop.wait(0.5):
                            return
                        sock.sendall(bytes([byte]))
            except OSError:
                pass

    drips = [threading.Thread(target=drip, daemon=True) for _ in range(2)]
    for t in drips:
        t.start()
    try:
        yield
    finally:
        stop.set()
        for sock in idle:
            sock.close()
        for t in drips:
            t.join(5)


@contextmanager
def in_flight(port: int, query: str, n: int) -> Iterator[list[int]]:
    """``n`` clients each keeping ``query`` in flight (sent again when answered); their statuses."""
    stop = threading.Event()
    statuses: list[int] = []

    def run() -> None:
        while not stop.is_set():
            try:
                statuses.append(requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": query},
                                             timeout=120).status_code)
            except requests.RequestException:
                statuses.append(0)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # being evaluated
    try:
        yield statuses
    finally:
        stop.set()
        for t in threads:
            t.join(130)


def pressure(port: int, queries: list[str], clients: int, seconds: float, rounds: int,
             only: tuple[str, ...] = ()) -> dict[str, object]:
    """The three conditions in turn, ``rounds`` times (so the machine's drift hits each alike): per condition
    the median over rounds of requests/s and p99, and their ratios to quiet's."""
    conditions: dict[str, Callable[[], Any]] = {
        "quiet": nullcontext,
        "idle_and_drip": lambda: idle_and_drip(port),
        "slow_queries": lambda: in_flight(port, SLOW, 2),
    }
    conditions = {name: make for name, make in conditions.items() if not only or name in only}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in conditions}
    for _ in range(rounds):
        for name, make in conditions.items():
            with make():
                runs[name].append(load(port, queries, clients, seconds))
    out: dict[str, dict[str, float]] = {}
    for name, figures in runs.items():
        out[name] = {key: round(statistics.median(f[key] for f in figures), 2)
                     for key in ("rps", "median_ms", "p99_ms", "errors")}
        out[name]["rps_each_round"] = [f["rps"] for f in figures]  # type: ignore[assignment]
    for name in [n for n in ("idle_and_drip", "slow_queries") if n in out and "quiet" in out]:
        out[name]["rps_ratio"] = round(out[name]["rps"] / out["quiet"]["rps"], 2)
        out[name]["p99_ratio"] = round(out[name]["p99_ms"] / out["quiet"]["p99_ms"], 2)
    return dict(out)


def heavy(root: Path, src: Path | None, budget_mb: int, limit_mb: float, workers: int) -> dict[str, object]:
    """Peak PSS of the tree with four memory-heavy queries in flight (and its PSS before them)."""
    env = {"GBAGRAPH_QUERY_MEMORY_BUDGET_MB": str(budget_mb), "GBAGRAPH_RESPONSE_CACHE_MB": "0",
           "GBAGRAPH_QUERY_TIMEOUT": "20"}
    with serving(root, env, src, workers) as (port, pid):
        requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {?s ?p ?o}"}, timeout=30)
        before = tree_pss_mb(pid)
        killed = threading.Event()

        def watchdog(stop: threading.Event) -> None:
            while not stop.wait(0.1):
                if tree_pss_mb(pid) > limit_mb:
                    killed.set()
                    os.killpg(pid, signal.SIGKILL)
                    return

        stop = threading.Event()
        guard = threading.Thread(target=watchdog, args=(stop,), daemon=True)
        guard.start()
        with PssSampler(pid, interval=0.1) as sampler:
            statuses: list[int] = []
            threads = [threading.Thread(target=lambda: statuses.append(requests.get(
                f"http://127.0.0.1:{port}/sparql", params={"query": HEAVY}, timeout=60).status_code))
                for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(70)
        stop.set()
        return {"pss_before_mb": round(before, 1), "peak_pss_mb": round(sampler.peak_mb, 1),
                "budget_mb": budget_mb, "statuses": statuses, "killed_by_watchdog": killed.is_set()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--conditions", help="comma-separated subset of quiet,idle_and_drip,slow_queries")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache-mb", default="0", help="the response cache for the load (0: every query evaluated)")
    parser.add_argument("--budget-mb", type=int, default=2048)
    parser.add_argument("--limit-mb", type=float, default=6000)
    parser.add_argument("--src", type=Path, help="another checkout's src/ to run instead of this one")
    parser.add_argument("--skip-heavy", action="store_true")
    args = parser.parse_args(argv)
    queries = competency_queries(args.root)
    result: dict[str, object] = {"clients": args.clients, "seconds": args.seconds, "cache_mb": args.cache_mb,
                                 "workers": args.workers, "src": str(args.src or REPO / "src"),
                                 "load_average": os.getloadavg()}
    with serving(args.root, {"GBAGRAPH_RESPONSE_CACHE_MB": args.cache_mb}, args.src, args.workers) as (port, _pid):
        result["pressure"] = pressure(port, queries, args.clients, args.seconds, args.rounds,
                                      tuple(args.conditions.split(",")) if args.conditions else ())
    if not args.skip_heavy:
        result["heavy"] = heavy(args.root, args.src, args.budget_mb, args.limit_mb, args.workers)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
