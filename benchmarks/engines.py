"""In-process engines on one project folder: per-query median latency of ``engine.answer`` (parse + evaluate +
serialise) for pyoxigraph and rdflib on the same prepared dataset.  Prints one JSON line.

``python -m benchmarks.engines ROOT --cache-dir DIR [--no-rdflib]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from gbagraph.config import SETTING_HELP, Settings
from gbagraph.pipeline import policy_for, prepare
from gbagraph.query import Engine, OxigraphEngine, QueryRequest
from gbagraph.reference.engine import RdflibEngine

from .run import query_set

#: evaluate in this process (the worker pool, where there is one, is measured through the server)
NO_WORKERS = {"query_workers": 0} if "query_workers" in SETTING_HELP else {}


def time_engine(engine: Engine, text: str, reps: int, budget: float) -> dict[str, object]:
    try:
        engine.answer(QueryRequest(text))  # warm-up
    except Exception as exc:  # an engine that cannot answer a query is reported, not fatal
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}
    samples = []
    start = time.monotonic()
    for _ in range(reps):
        t = time.perf_counter()
        engine.answer(QueryRequest(text))
        samples.append((time.perf_counter() - t) * 1000)
        if time.monotonic() - start > budget:
            break
    return {"median_ms": round(statistics.median(samples), 3), "n": len(samples)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--no-rdflib", action="store_true")
    args = parser.parse_args(argv)
    settings = Settings(root=args.root, cache=True, cache_dir=args.cache_dir, validate=False, **NO_WORKERS)
    prepared = prepare(settings)  # the served store (warm: opened from the cache)
    policy = policy_for(settings)
    engines: dict[str, Engine] = {"oxigraph": OxigraphEngine(prepared.store, policy)}
    if not args.no_rdflib:  # an rdflib copy of the store, made here only
        engines["rdflib"] = RdflibEngine(prepared.bundle.in_memory(), policy)
    _, queries = query_set()
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name, text in queries.items():
        out[name] = {e: time_engine(engine, text, args.reps, args.budget) for e, engine in engines.items()}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
