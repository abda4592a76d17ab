"""Start-up cost of one project folder: parse → SHACL → OWL RL → engine, timed per step, with peak RSS.

Runs :func:`gbagraph.pipeline.prepare` itself and times its steps through its hooks, in *this* process, so run
it in a fresh subprocess per measurement (``python -m benchmarks.start ROOT --cache-dir DIR``): the peak RSS it
reports is then the start-up's own.  Cold = empty cache folder; warm = the same folder again.  Optionally
writes the served dataset as N-Quads (``--dump``) for the Oxigraph server.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from gbagraph.config import SETTING_HELP, Settings
from gbagraph.pipeline import StepReport, prepare


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(settings: Settings, dump: Path | None = None) -> dict[str, object]:
    reports: list[StepReport] = []
    t0 = time.perf_counter()
    prepared = prepare(settings, hooks=[reports.append])
    times = {r.name: r.seconds for r in reports}
    times["total"] = time.perf_counter() - t0
    infer = next((r for r in reports if r.name == "infer"), StepReport("infer", cached=True))  # none when opened
    if dump is not None:
        prepared.store.dump(str(dump), format=ox.RdfFormat.N_QUADS)
    return {"seconds": {k: round(v, 3) for k, v in times.items()},
            "cached": [r.name for r in reports if r.cached],
            "quads": sum(prepared.bundle.graph_counts().values()), "inferred": infer.counts.get("inferred", 0),
            "reasoner": infer.counts.get("reasoner", "-"), "validated": settings.validate,
            "peak_rss_mb": round(peak_rss_mb(), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--reasoner", default="auto")
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--no-infer", action="store_true", help="no OWL RL step (graph/inferred stays empty)")
    parser.add_argument("--parallel", action="store_true", help="SHACL beside OWL RL (the parallel_start setting)")
    parser.add_argument("--dump", type=Path)
    args = parser.parse_args(argv)
    validate = not args.no_validate and (args.root / "ontology" / "shapes.ttl").exists()
    extra = {"query_workers": 0} if "query_workers" in SETTING_HELP else {}  # no pool: in-process engine
    settings = Settings(root=args.root, cache=True, cache_dir=args.cache_dir, reasoner=args.reasoner,
                        validate=validate, infer=not args.no_infer, parallel_start=args.parallel, **extra)
    json.dump(measure(settings, args.dump), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
