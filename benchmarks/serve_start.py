"""Start-up as a user sees it: ``gbagraph --root ROOT serve`` in a fresh process, seconds until ``/healthz``
answers, and the peak PSS of the server's whole process tree while it starts (sampled every 0.25 s):
``python -m benchmarks.serve_start ROOT --cache-dir DIR [--runs N] [--env NAME=VALUE ...]``.  The first run on an
empty cache folder is a cold start, the next ones warm.  Prints one JSON object per run, with the start-up log's
summary line; stops each server with SIGTERM.  A run whose tree passes ``--limit-mb`` is killed (a guard)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from .harness import PssSampler, free_port, tree_pss_mb

STEPS = ("parse", "validate", "infer", "engine")


def one_start(root: Path, cache_dir: str, env: dict[str, str], limit_mb: float, timeout: float,
              workers: int, port: int) -> dict[str, object]:
    with tempfile.NamedTemporaryFile(prefix="gbagraph-start-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    command = [sys.executable, "-m", "gbagraph", "--root", str(root), "serve", "--host", "127.0.0.1", "--port",
               str(port), "--workers", str(workers)]
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
                            env={**os.environ, "GBAGRAPH_CACHE_DIR": cache_dir, **env}, start_new_session=True)
    result: dict[str, object] = {"port": port}
    try:
        with PssSampler(proc.pid, interval=0.25) as sampler:
            while time.monotonic() - started < timeout:
                if proc.poll() is not None:
                    result["error"] = f"exited with {proc.returncode}"
                    break
                if tree_pss_mb(proc.pid) > limit_mb:
                    result["error"] = f"killed by the guard past {limit_mb:.0f} MB"
                    break
                try:
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        result["ready_seconds"] = round(time.monotonic() - started, 2)
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.1)
            else:
                result["error"] = f"not ready after {timeout:.0f} s"
            time.sleep(1.0)  # the workers' own start
        result["peak_pss_mb"] = round(sampler.peak_mb, 1)
        result["pss_ready_mb"] = round(tree_pss_mb(proc.pid), 1)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    text = log_path.read_text(encoding="utf-8", errors="replace")
    log_path.unlink()
    result["summary"] = next((line.strip() for line in text.splitlines() if "ready in" in line), "")
    result["steps"] = [line.strip()[len("gbagraph: "):] for line in text.splitlines()
                       if any(line.strip().startswith(f"gbagraph: {step}: ") for step in STEPS)]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server's environment")
    parser.add_argument("--limit-mb", type=float, default=6000)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--port", type=int, default=0, help="the same port for every run (default: a free one each)")
    args = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in args.env)
    for run in range(args.runs):
        port = args.port or free_port()
        result = one_start(args.root, args.cache_dir, env, args.limit_mb, args.timeout, args.workers, port)
        print(json.dumps({"run": run, **result}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
