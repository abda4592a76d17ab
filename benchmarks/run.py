"""One command for every benchmark: ``python -m benchmarks.run [--scales 10k,100k,1m] [--quick]``.

Per scale: generate the synthetic project (deterministic; kept under ``benchmarks/data/``, git-ignored), time
a cold and a warm start (load + SHACL + OWL RL + engine) in fresh subprocesses with their peak RSS, time the
in-process engines (pyoxigraph vs rdflib), then start our server (``gbagraph serve``) and the Oxigraph server on
the same N-Quads on 127.0.0.1 and measure per-query median/p99 latency and requests/s with 1 and 8 clients.
Writes ``benchmarks/results/latest.json``, ``latest.md`` and ``latest.png``.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .generate import ROOT, generate
from .harness import OURS, PssSampler, latencies, start_all_ours, start_oxigraph, throughput
from .report import write_reports

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"


def query_set(root: Path = ROOT) -> tuple[str, dict[str, str]]:
    """The competency queries (``queries/*.rq``, minus federated ones), else the benchmark's own set."""
    from gbagraph.sparqltext import service_targets

    for where, folder in (("queries/", root / "queries"), ("benchmarks/queries/", HERE / "queries")):
        found = {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.rq"))}
        found = {k: v for k, v in found.items() if not service_targets(v)}
        if found:
            return where, found
    raise SystemExit("no queries found")


def machine() -> dict[str, object]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    import os

    versions = {}
    for dist in ("rdflib", "pyoxigraph", "oxigraph", "owlrl", "reasonable", "pyshacl", "gunicorn"):
        try:
            from importlib import metadata

            versions[dist] = metadata.version(dist)
        except Exception:
            versions[dist] = "-"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "os": platform.platform(), "versions": versions}


def run_json(cmd: list[str], timeout: float) -> dict:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_scale(scale: str, args: argparse.Namespace, queries: dict[str, str], work: Path) -> dict:
    root = DATA / scale
    t = time.monotonic()
    manifest = generate(root, scale)
    print(f"[{scale}] generated {manifest['asserted_triples_estimate']} triples in {time.monotonic() - t:.1f}s",
          flush=True)
    result: dict = {"scale": scale, "manifest": manifest}
    validate = (root / "ontology" / "shapes.ttl").exists()
    cache = work / f"cache-{scale}"
    nq = work / f"{scale}.nq"
    starts = []
    for label in ("cold", "warm"):
        cmd = [sys.executable, "-m", "benchmarks.start", str(root), "--cache-dir", str(cache)]
        if label == "cold":
            shutil.rmtree(cache, ignore_errors=True)
            cmd += ["--dump", str(nq)]
        if not validate:
            cmd.append("--no-validate")
        starts.append((label, run_json(cmd, timeout=args.start_timeout)))
        print(f"[{scale}] {label} start: {starts[-1][1]['seconds']} RSS {starts[-1][1]['peak_rss_mb']} MB",
              flush=True)
    result["start"] = dict(starts)
    result["validated"] = validate
    # in-process engines, in a fresh process on the warm cache
    cmd = [sys.executable, "-m", "benchmarks.engines", str(root), "--cache-dir", str(cache),
           "--reps", str(args.reps), "--budget", str(args.budget)]
    if args.rdflib_limit and manifest["asserted_triples_estimate"] > args.rdflib_limit:
        cmd.append("--no-rdflib")
    result["engines"] = run_json(cmd, timeout=args.start_timeout + 3600)
    print(f"[{scale}] in-process engines done", flush=True)
    # the two servers
    ours = oxi = None
    try:
        oxi = start_oxigraph(nq, work)
        ours = start_all_ours(root, work, str(cache), workers=args.workers, validate=validate,
                              timeout=args.start_timeout, modes=args.cache_modes)
        print(f"[{scale}] servers ready: ours {', '.join(f'{s.ready_seconds:.1f}s' for s in ours)}, oxigraph "
              f"{oxi.ready_seconds:.2f}s (+ load {oxi.extra['load_seconds']}s)", flush=True)
        servers = [*ours, oxi]
        samplers = {s.name: PssSampler(s.proc.pid) for s in servers if s.proc}
        for sampler in samplers.values():
            sampler.__enter__()
        result["latency"] = latencies(servers, queries, reps=args.reps, budget=args.budget)
        texts = list(queries.values())
        result["throughput"] = {
            s.name: {str(c): throughput(s, texts, c, args.seconds) for c in (1, args.clients)} for s in servers}
        for sampler in samplers.values():
            sampler.__exit__()
        result["servers"] = {s.name: {"ready_seconds": round(s.ready_seconds, 3), **s.extra, **s.memory(),
                                      "peak_pss_sum_mb": round(samplers[s.name].peak_mb, 1) if s.name in samplers
                                      else None} for s in servers}
    finally:
        for s in [*(ours or []), oxi]:
            if s:
                s.stop()
    result["summary"] = summarise(result)
    print(f"[{scale}] summary: {json.dumps(result['summary'])}", flush=True)
    return result


def summarise(result: dict) -> dict:
    """Ratios to the Oxigraph server of each of our configurations (the response cache on: plain keys; off: keys
    ending in ``_nocache``): median and geometric-mean latency, worst query, requests/s; and the start-up."""
    summary: dict = {}
    for ours, suffix in (("gbagraph", ""), ("gbagraph-nocache", "_nocache")):
        summary.update(_ratios(result, ours, suffix))
    start = result.get("start", {})
    summary["cold_start_s"] = start.get("cold", {}).get("seconds", {}).get("total")
    summary["warm_start_s"] = start.get("warm", {}).get("seconds", {}).get("total")
    summary["peak_rss_mb"] = max([s.get("peak_rss_mb", 0) for s in start.values()] + [0])
    return summary


def _ratios(result: dict, ours: str, suffix: str) -> dict:
    lat = {q: v for q, v in result.get("latency", {}).items()
           if ours in v and all("median_ms" in v[k] for k in (ours, "oxigraph"))}
    ratios = {q: v[ours]["median_ms"] / v["oxigraph"]["median_ms"] for q, v in lat.items()
              if v["oxigraph"]["median_ms"] > 0}
    summary: dict = {}
    if ratios:
        med_ours = statistics.median(v[ours]["median_ms"] for v in lat.values())
        med_oxi = statistics.median(v["oxigraph"]["median_ms"] for v in lat.values())
        summary.update({f"median_latency_ms{suffix}": {"gbagraph": med_ours, "oxigraph": med_oxi},
                        f"median_latency_ratio{suffix}": round(med_ours / med_oxi, 2),
                        f"geomean_latency_ratio{suffix}": round(statistics.geometric_mean(ratios.values()), 2),
                        f"worst_query_ratio{suffix}": round(max(ratios.values()), 2),
                        f"worst_query{suffix}": max(ratios, key=lambda k: ratios[k])})
    tp = result.get("throughput", {})
    if ours in tp and "oxigraph" in tp:
        for c in tp[ours]:
            summary[f"throughput_ratio_{c}_clients{suffix}"] = round(
                tp[ours][c]["rps"] / max(tp["oxigraph"][c]["rps"], 1e-9), 2)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10k,100k,1m", help="comma-separated: 2k (bundled only), 10k, 100k, 1m")
    parser.add_argument("--quick", action="store_true", help="CI mode: the bundled graph (2k), few repetitions (~1.5 min)")
    parser.add_argument("--reps", type=int, default=30, help="timed repetitions per query and server")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query and server at most")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each throughput run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of our server")
    parser.add_argument("--start-timeout", type=float, default=3600)
    parser.add_argument("--rdflib-limit", type=int, default=200_000,
                        help="skip the in-process rdflib engine above this many triples (0: never skip)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--cache-modes", default=",".join(OURS), type=lambda v: [m for m in v.split(",") if m],
                        help=f"our server's configurations side by side with Oxigraph (of {', '.join(OURS)})")
    args = parser.parse_args(argv)
    if args.quick:
        args.scales = args.scales if "--scales" in (argv or sys.argv) else "2k"
        args.reps, args.budget, args.seconds = 5, 2.0, 1.5
    where, queries = query_set()
    report: dict = {"machine": machine(), "queries_from": where, "queries": sorted(queries),
                    "started": time.strftime("%Y-%m-%d %H:%M:%S"), "quick": args.quick,
                    "settings": {k: v for k, v in vars(args).items() if k != "out"}, "scales": []}
    with tempfile.TemporaryDirectory(prefix="gbagraph-bench-") as tmp:
        for scale in [s.strip().lower() for s in args.scales.split(",") if s.strip()]:
            work = Path(tmp) / scale
            work.mkdir()
            report["scales"].append(bench_scale(scale, args, queries, work))
    report["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    args.out.mkdir(parents=True, exist_ok=True)
    paths = write_reports(report, args.out, "quick" if args.quick else "latest")
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
