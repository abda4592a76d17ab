"""The OWL RL closure step alone, compiled rules vs owlrl: time and peak memory at generated scales, closures compared.

For each scale a project is generated (``benchmarks.generate``) and its reasoner input — the asserted triples
without links, as N-Triples, what ``gbagraph.pipeline`` hands :func:`gbagraph.reason.store_closure` — is written
once.  Every run is a fresh child process that reads that file and times ``store_closure(body, engine)`` only;
the parent samples the child's PSS (every 0.1 s) and kills it past ``--limit-mb`` (the watchdog).  Reported per
engine and scale: median wall and CPU seconds and median peak PSS over ``--runs`` runs (with each run's figures), the child's
PSS just before the call (interpreter, libraries and the body), and whether the compiled closure's triples equal
owlrl's (compared as canonical N-Triples lines).

Run: ``python -m benchmarks.reasoner_compare --scales 10k,100k --runs 3 --out benchmarks/results/reasoner.json``
(not 1M here: owlrl would take hours).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from .harness import PssSampler, tree_pss_mb

ENGINES = ("rules", "owlrl")


def write_input(root: Path, out: Path) -> int:
    """The pipeline's reasoner input for the project ``root``, written to ``out``; returns its line count."""
    from gbagraph.config import Settings
    from gbagraph.diskcache import Inputs
    from gbagraph.oxstore import input_lines

    with out.open("wb") as f:
        for _quads, triple, reasoned in input_lines(Inputs.scan(Settings(root=root))):
            if reasoned:
                f.write(triple.encode("utf-8"))
    return sum(1 for _ in out.open("rb"))


def child(engine: str, body_path: Path, result_path: Path) -> None:
    """One measured run, in its own process: read the body, signal ready, time the closure step, write figures."""
    from gbagraph.reason import store_closure

    body = body_path.read_bytes()
    before = tree_pss_mb(os.getpid())
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = store_closure(body, engine)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    result_path.with_suffix(".nt").write_bytes(result.ntriples)
    result_path.write_text(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "pss_before_mb": round(before, 1),
                                       "inferred": result.inferred_triples, "errors": len(result.errors),
                                       "reasoner": result.reasoner}))


def measure(engine: str, body_path: Path, work: Path, limit_mb: float) -> dict[str, object]:
    """Run :func:`child` in a subprocess under the PSS watchdog; its figures plus the sampled peak PSS."""
    result_path = work / f"{engine}-{time.monotonic_ns()}.json"
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.reasoner_compare", "--child", engine,
                             str(body_path), str(result_path)])
    killed = threading.Event()

    def watchdog() -> None:
        while proc.poll() is None:
            if tree_pss_mb(proc.pid) > limit_mb:
                killed.set()
                proc.kill()
                return
            time.sleep(0.1)

    guard = threading.Thread(target=watchdog, daemon=True)
    guard.start()
    with PssSampler(proc.pid, interval=0.1) as sampler:
        proc.wait()
    guard.join(5)
    if killed.is_set() or proc.returncode != 0:
        return {"failed": "killed by the watchdog" if killed.is_set() else f"exit {proc.returncode}",
                "peak_pss_mb": round(sampler.peak_mb, 1)}
    figures: dict[str, object] = json.loads(result_path.read_text())
    figures["peak_pss_mb"] = round(sampler.peak_mb, 1)
    figures["output"] = str(result_path.with_suffix(".nt"))
    return figures


def canonical(path: Path) -> set[bytes]:
    return {(ox.serialize([t], format=ox.RdfFormat.N_TRIPLES) or b"")
            for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False)}


def summary(runs: list[dict[str, object]]) -> dict[str, object]:
    ok = [r for r in runs if "failed" not in r]
    out: dict[str, object] = {"runs": runs}
    if ok:
        out["median_seconds"] = round(statistics.median(float(str(r["seconds"])) for r in ok), 2)
        out["median_cpu_seconds"] = round(statistics.median(float(str(r["cpu_seconds"])) for r in ok), 2)
        out["median_peak_pss_mb"] = round(statistics.median(float(str(r["peak_pss_mb"])) for r in ok), 1)
        out["reasoner"] = ok[0]["reasoner"]
        out["inferred"] = ok[0]["inferred"]
    return out


def run_scale(scale: str, runs: int, work: Path, limit_mb: float, engines: list[str]) -> dict[str, object]:
    from .generate import generate

    generate(work / scale, scale)
    body = work / f"{scale}.nt"
    asserted = write_input(work / scale, body)
    row: dict[str, object] = {"scale": scale, "input_lines": asserted}
    for engine in engines:
        results = [measure(engine, body, work, limit_mb) for _ in range(runs)]
        row[engine] = summary(results)
        print(json.dumps({"scale": scale, "engine": engine, **{k: v for k, v in row[engine].items() if k != "runs"}}),
              flush=True)
    outputs = {e: next((str(r["output"]) for r in row[e]["runs"] if "output" in r), None)  # type: ignore[index, attr-defined]
               for e in engines}
    if all(outputs.values()) and len(engines) == 2:
        rules, owlrl = (canonical(Path(str(outputs[e]))) for e in engines)
        row["closures_equal"] = rules == owlrl
        row["only_rules"], row["only_owlrl"] = len(rules - owlrl), len(owlrl - rules)
    row["speedup"] = _ratio(row, engines, "median_seconds")
    row["cpu_speedup"] = _ratio(row, engines, "median_cpu_seconds")
    row["memory_ratio"] = _ratio(row, engines, "median_peak_pss_mb")
    return row


def _ratio(row: dict[str, object], engines: list[str], key: str) -> float | None:
    a, b = (row.get(e, {}).get(key) for e in reversed(engines))  # type: ignore[attr-defined]
    return round(float(a) / float(b), 1) if a and b and len(engines) == 2 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10k,100k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--limit-mb", type=float, default=6000, help="PSS past which a run is killed")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "BODY", "RESULT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="gbagraph-reasoner-bench-") as tmp:
        rows = [run_scale(s, args.runs, Path(tmp), args.limit_mb, args.engines.split(","))
                for s in args.scales.split(",")]
    report = {"load_before": load_before, "load_after": os.getloadavg(), "cpus": os.cpu_count(), "rows": rows}
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
