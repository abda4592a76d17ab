"""Our server against the Oxigraph server on one already-prepared project, without regenerating it:
``python -m benchmarks.serve_compare ROOT --cache-dir DIR --nquads FILE`` (the N-Quads and the warm cache come
from ``benchmarks.start ROOT --cache-dir DIR --dump FILE``).  Prints one JSON object: per-query latency, requests/s
with 1 and N clients, ready time and peak PSS of each server's process tree; our server twice, with its response
cache on and off (``--cache-modes``), each beside Oxigraph."""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

from .harness import OURS, PssSampler, latencies, start_all_ours, start_oxigraph, throughput
from .run import query_set, summarise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--nquads", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--budget", type=float, default=15.0)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache-modes", default=",".join(OURS), type=lambda v: [m for m in v.split(",") if m],
                        help=f"our server's configurations side by side with Oxigraph (of {', '.join(OURS)})")
    parser.add_argument("--queries", default="", help="only the queries whose file name matches this regular expression")
    args = parser.parse_args(argv)
    _, queries = query_set()
    queries = {name: text for name, text in queries.items() if re.search(args.queries, name)}
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="gbagraph-bench-") as tmp:
        work = Path(tmp)
        oxi = start_oxigraph(args.nquads, work)
        ours = start_all_ours(args.root, work, args.cache_dir, workers=args.workers, validate=True,
                              modes=args.cache_modes)
        servers = [*ours, oxi]
        try:
            samplers = {s.name: PssSampler(s.proc.pid) for s in servers if s.proc}
            for sampler in samplers.values():
                sampler.__enter__()
            out["latency"] = latencies(servers, queries, reps=args.reps, budget=args.budget)
            texts = list(queries.values())
            out["throughput"] = {s.name: {str(c): throughput(s, texts, c, args.seconds) for c in (1, args.clients)}
                                 for s in servers}
            for sampler in samplers.values():
                sampler.__exit__()
            out["servers"] = {s.name: {"ready_seconds": round(s.ready_seconds, 3), **s.extra, **s.memory(),
                                       "peak_pss_sum_mb": round(samplers[s.name].peak_mb, 1)} for s in servers}
        finally:
            for s in servers:
                s.stop()
    out["summary"] = summarise(out)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
