"""What one cache-off ``/sparql`` request costs over HTTP (issue 22): our server (``gbagraph serve``, response
cache off) beside the Oxigraph server on the same N-Quads, and optionally beside another checkout of ours
(``--base-src``, e.g. the previous commit's ``src``).  One keep-alive client sends ``--requests`` requests of each
query, alternating between the servers; per server: median and p10 latency, and the **CPU milliseconds per
request** of its whole process tree (server processes and query workers, from ``/proc``), which the machine's load
does not change the way it changes latency.  ``--py-spy`` also samples our server's tree while it answers and
prints where its time goes (needs ``py-spy``).

``python -m benchmarks.request_cost --cache-dir DIR --nquads FILE [--base-src PATH] [--queries REGEX]`` (the
N-Quads and the warm cache from ``python -m benchmarks.start . --cache-dir DIR --dump FILE``).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from .harness import ACCEPT, OURS, Server, _children, start_ours, start_oxigraph
from .run import query_set

REPO = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants (all their threads), as counted so far."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, ValueError, IndexError):
            pass
    return total / TICK


def loadavg() -> list[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


class Client:
    """One kept-alive HTTP connection to a server's query endpoint."""

    def __init__(self, server: Server) -> None:
        self.server = server
        url = urlsplit(server.url)
        self.path = url.path
        self.conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=120)

    def ask(self, query: str, accept: str) -> float:
        start = time.perf_counter()
        self.conn.request("GET", f"{self.path}?{urlencode({'query': query})}", headers={"Accept": accept})
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} from {self.server.name}: {body[:300]!r}")
        return time.perf_counter() - start


def measure(servers: list[Server], queries: dict[str, str], requests: int) -> dict[str, dict[str, dict[str, float]]]:
    """{query: {server: {median_ms, p10_ms, cpu_ms}}}: ``requests`` timed requests per server (after 5 warm-ups),
    alternating between the servers; CPU time per server tree over its own requests."""
    clients = [Client(s) for s in servers]
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, text in queries.items():
        accept = ACCEPT.get(query_form(text), "*/*")
        for client in clients:
            for _ in range(5):
                client.ask(text, accept)
        times: dict[str, list[float]] = collections.defaultdict(list)
        before = {c.server.name: cpu_seconds(c.server.proc.pid) if c.server.proc else 0.0 for c in clients}
        for i in range(requests):
            for client in clients if i % 2 == 0 else clients[::-1]:
                times[client.server.name].append(client.ask(text, accept))
        # a server works only on its own requests: its tree's CPU time over the loop is theirs
        cpu = {c.server.name: (cpu_seconds(c.server.proc.pid) if c.server.proc else 0.0) - before[c.server.name]
               for c in clients}
        out[name] = {s: {"median_ms": round(statistics.median(t) * 1000, 3),
                         "p10_ms": round(sorted(t)[len(t) // 10] * 1000, 3),
                         "cpu_ms": round(cpu[s] / len(t) * 1000, 3)} for s, t in times.items()}
    return out


def query_form(text: str) -> str:
    from gbagraph.sparqltext import form

    return form(text) or ""


def spy(pid: int, seconds: float, work: Path) -> list[tuple[int, str]]:
    """py-spy's samples of ``pid``'s tree for ``seconds``, summed per innermost frame, most first."""
    exe = shutil.which("py-spy", path=f"{Path(os.sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if exe is None:
        raise SystemExit("--py-spy needs py-spy (pip install py-spy)")
    raw = work / "spy.txt"
    subprocess.run([exe, "record", "--pid", str(pid), "--subprocesses", "--nonblocking", "-r", "250", "-d",
                    str(int(seconds)), "--format", "raw", "-o", str(raw)], check=True, capture_output=True)
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if stack:
            counts[stack.split(";")[-1]] += int(n)
    return [(n, frame) for frame, n in counts.most_common(25)]


def summary(result: dict[str, dict[str, dict[str, float]]], ours: str, ref: str) -> dict[str, float]:
    ratios = [v[ours]["median_ms"] / v[ref]["median_ms"] for v in result.values()]
    return {"geomean_latency_ratio": round(statistics.geometric_mean(ratios), 2),
            "median_latency_ratio": round(statistics.median(ratios), 2),
            "median_cpu_ms": round(statistics.median(v[ours]["cpu_ms"] for v in result.values()), 3),
            "median_latency_ms": round(statistics.median(v[ours]["median_ms"] for v in result.values()), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO)
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--nquads", type=Path, required=True)
    parser.add_argument("--base-src", type=Path, help="another checkout's src, served beside ours (PYTHONPATH)")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per query and server")
    parser.add_argument("--queries", default="", help="only the queries whose file name matches this expression")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers of our server(s)")
    parser.add_argument("--py-spy", type=float, default=0.0, metavar="SECONDS",
                        help="sample our server's tree with py-spy for SECONDS while it answers the first query")
    args = parser.parse_args(argv)
    _, queries = query_set(args.root)
    queries = {k: v for k, v in queries.items() if re.search(args.queries, k)}
    env = OURS["gbagraph-nocache"]
    out: dict = {"load_before": loadavg(), "requests": args.requests}
    with tempfile.TemporaryDirectory(prefix="gbagraph-cost-") as tmp:
        work = Path(tmp)
        servers = [start_oxigraph(args.nquads, work)]
        try:
            servers.insert(0, start_ours(args.root, work, args.cache_dir, workers=args.workers, validate=True,
                                         name="ours", env=env))
            if args.base_src:
                servers.insert(1, start_ours(args.root, work, args.cache_dir, workers=args.workers, validate=True,
                                             name="base", env={**env, "PYTHONPATH": str(args.base_src.resolve())}))
            if args.py_spy:
                out["py_spy"] = profile(servers[0], next(iter(queries.values())), args.py_spy, work)
            out["queries"] = measure(servers, queries, args.requests)
        finally:
            for s in servers:
                s.stop()
    out["load_after"] = loadavg()
    out["summary"] = {s: summary(out["queries"], s, "oxigraph") for s in ("ours", "base") if s != "base" or args.base_src}
    oxi = out["queries"].values()
    out["summary"]["oxigraph"] = {"median_cpu_ms": round(statistics.median(v["oxigraph"]["cpu_ms"] for v in oxi), 3),
                                  "median_latency_ms": round(statistics.median(v["oxigraph"]["median_ms"] for v in oxi), 3)}
    print(json.dumps(out))
    return 0


def profile(server: Server, query: str, seconds: float, work: Path) -> list[tuple[int, str]]:
    """Keep one client asking ``query`` while py-spy samples the server's tree."""
    import threading

    stop = threading.Event()

    def load() -> None:
        client = Client(server)
        while not stop.is_set():
            client.ask(query, ACCEPT.get(query_form(query), "*/*"))

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    try:
        assert server.proc is not None
        return spy(server.proc.pid, seconds, work)
    finally:
        stop.set()
        thread.join(10)


if __name__ == "__main__":
    raise SystemExit(main())
