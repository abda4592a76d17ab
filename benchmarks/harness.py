"""Our server (``gbagraph serve``) and the Oxigraph server on the same data on 127.0.0.1, and the clients that
measure them: per-query latency (median, p99) and requests/s with 1 and N concurrent clients.

Both servers get the same N-Quads (our prepared dataset, dumped from the in-process Oxigraph store, whose default
graph holds the set union of the named graphs) and so the same default-graph semantics.  (Oxigraph's own
``--union-default-graph`` would count a triple once per named graph, oxigraph/oxigraph#1919, and make joins over
labels repeated in many paragraphs explode: 03-delegation took 16 s instead of 2 ms at 2k triples.)  Every request goes to
127.0.0.1 only.  Queries alternate between the two servers so that drift in the machine hits both alike.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

from gbagraph.sparqltext import form

ACCEPT = {"SELECT": "application/sparql-results+json", "ASK": "application/sparql-results+json",
          "CONSTRUCT": "application/n-triples", "DESCRIBE": "application/n-triples"}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_memory_mb(pid: int) -> dict[str, float]:
    """Peak RSS (VmHWM) of the process and of its largest child, the current RSS summed over the tree, and the
    current PSS summed over the tree (shared pages counted once: what the tree really holds)."""
    pids = [pid] + _children(pid)
    peaks, now = [], 0.0
    for p in pids:
        status = _status(p)
        peaks.append(status.get("VmHWM", 0.0))
        now += status.get("VmRSS", 0.0)
    return {"peak_rss_mb": round(max(peaks or [0.0]), 1), "rss_sum_mb": round(now, 1),
            "pss_sum_mb": round(tree_pss_mb(pid), 1), "processes": len(pids)}


def tree_pss_mb(pid: int) -> float:
    """PSS summed over ``pid`` and its descendants (``/proc/PID/smaps_rollup``), in MB."""
    total = 0
    for p in [pid] + _children(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return total / 1024


class PssSampler:
    """The peak of :func:`tree_pss_mb` over a process tree, sampled every ``interval`` seconds in a thread."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.pid, self.interval, self.peak_mb = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_pss_mb(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> PssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid``, forked by any of its threads (query workers are forked by a pool thread)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            for line in Path(f"/proc/{pid}/task/{task}/children").read_text().split():
                child = int(line)
                out += [child] + _children(child)
        except OSError:
            pass
    return out


def _status(pid: int) -> dict[str, float]:
    values: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = float(rest.split()[0]) / 1024
    except OSError:
        pass
    return values


@dataclass
class Server:
    name: str
    url: str  # the query endpoint
    proc: subprocess.Popen | None = None
    ready_seconds: float = 0.0
    log: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def memory(self) -> dict[str, float]:
        return tree_memory_mb(self.proc.pid) if self.proc else {}

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _ready(server: Server, started: float, timeout: float) -> Server:
    """``server`` once it answers; stopped (and the error raised) if it exits or times out first."""
    try:
        _wait_ready(server, started, timeout)
    except Exception:
        server.stop()
        raise
    return server


def _wait_ready(server: Server, started: float, timeout: float) -> None:
    deadline = started + timeout
    while time.monotonic() < deadline:
        if server.proc and server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}; see {server.log}")
        try:
            r = requests.get(server.url, params={"query": "ASK {}"}, timeout=2,
                             headers={"Accept": ACCEPT["ASK"]})
            if r.status_code == 200:
                server.ready_seconds = time.monotonic() - started
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f}s; see {server.log}")


#: our server's two configurations in every side-by-side run: the response cache on (the default) and off
#: (``GBAGRAPH_RESPONSE_CACHE_MB=0``: every request evaluated, what the engine path costs)
OURS = {"gbagraph": {}, "gbagraph-nocache": {"GBAGRAPH_RESPONSE_CACHE_MB": "0"}}


def start_ours(root: Path, workdir: Path, cache_dir: str, *, workers: int, validate: bool,
               timeout: float = 1800, name: str = "gbagraph", env: dict[str, str] | None = None) -> Server:
    port = free_port()
    log = workdir / f"{name}-serve.log"
    environ = {**os.environ, "GBAGRAPH_CACHE_DIR": cache_dir, "GBAGRAPH_VALIDATE": "true" if validate else "false",
               "GBAGRAPH_PUBLIC_URL": PUBLIC_URL, **(env or {})}
    cmd = [sys.executable, "-m", "gbagraph", "--root", str(root), "serve", "--host", "127.0.0.1", "--port",
           str(port), "--workers", str(workers)]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=environ)
    server = Server(name, f"http://127.0.0.1:{port}/sparql", proc, log=log)
    return _ready(server, started, timeout)


#: the public URL every benchmark server names (the built store's key includes it: the same one whatever the port,
#: so a second server on the same cache opens the store instead of copying it)
PUBLIC_URL = "http://gbagraph.bench.test/"


def start_all_ours(root: Path, workdir: Path, cache_dir: str, *, workers: int, validate: bool,
                   timeout: float = 1800, modes: Sequence[str] = tuple(OURS)) -> list[Server]:
    """Our server in each configuration of ``modes`` (names of :data:`OURS`), one after another."""
    return [start_ours(root, workdir, cache_dir, workers=workers, validate=validate, timeout=timeout, name=mode,
                       env=OURS[mode]) for mode in modes]


def oxigraph_command() -> str:
    """The ``oxigraph`` server command: the running environment's own (``.venv/bin``, not on PATH when run as
    ``.venv/bin/python -m benchmarks.run``) first, then PATH."""
    path = shutil.which("oxigraph", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if path is None:
        raise RuntimeError("the oxigraph command is not installed (pip install oxigraph)")
    return path


def start_oxigraph(nquads: Path, workdir: Path, timeout: float = 600) -> Server:
    oxigraph = oxigraph_command()
    location = workdir / "oxigraph-db"
    log = workdir / "oxigraph.log"
    t = time.monotonic()
    subprocess.run([oxigraph, "load", "--location", str(location), "--file", str(nquads)], check=True,
                   stdout=log.open("wb"), stderr=subprocess.STDOUT)
    load_seconds = time.monotonic() - t
    port = free_port()
    started = time.monotonic()
    proc = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}"],
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)
    server = Server("oxigraph", f"http://127.0.0.1:{port}/query", proc, log=log,
                    extra={"load_seconds": round(load_seconds, 3)})
    return _ready(server, started, timeout)


def ask(session: requests.Session, url: str, query: str) -> int:
    """One query by GET; returns the size of the answer (raises on a non-200)."""
    r = session.get(url, params={"query": query}, headers={"Accept": ACCEPT.get(form(query) or "", "*/*")},
                    timeout=300)
    if r.status_code != 200:
        raise RuntimeError(f"HTTP {r.status_code} from {url}: {r.text[:300]}")
    return len(r.content)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))
    return ordered[k]


def latencies(servers: Sequence[Server], queries: dict[str, str], *, reps: int, budget: float,
              warmup: int = 2) -> dict[str, dict[str, dict[str, float]]]:
    """{query: {server: {median_ms, p99_ms, n, bytes}}}: alternating servers, at most ``budget`` s per query."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    sessions = {s.name: requests.Session() for s in servers}
    for name, text in queries.items():
        samples: dict[str, list[float]] = {s.name: [] for s in servers}
        sizes: dict[str, int] = {}
        try:
            for s in servers:
                for _ in range(warmup):
                    sizes[s.name] = ask(sessions[s.name], s.url, text)
        except RuntimeError as exc:  # one server cannot answer: report it and time the others on other queries
            out[name] = {s.name: {"error": str(exc)[:300]} for s in servers}
            continue
        start = time.monotonic()
        for i in range(reps):
            for s in (servers if i % 2 == 0 else list(reversed(servers))):
                t = time.perf_counter()
                ask(sessions[s.name], s.url, text)
                samples[s.name].append((time.perf_counter() - t) * 1000)
            if time.monotonic() - start > budget and i >= 4:
                break
        out[name] = {s: {"median_ms": round(statistics.median(v), 3), "p99_ms": round(percentile(v, 0.99), 3),
                         "n": len(v), "bytes": sizes[s]} for s, v in samples.items()}
    return out


def throughput(server: Server, queries: Sequence[str], clients: int, seconds: float) -> dict[str, float]:
    """Requests/s with ``clients`` threads each looping over ``queries`` for ``seconds``."""
    done = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def loop(i: int) -> None:
        session = requests.Session()
        k = i
        while time.monotonic() < stop:
            try:
                ask(session, server.url, queries[k % len(queries)])
                done[i] += 1
            except Exception:
                errors[i] += 1
            k += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    t = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t
    return {"rps": round(sum(done) / elapsed, 1), "requests": sum(done), "errors": sum(errors),
            "seconds": round(elapsed, 2)}
