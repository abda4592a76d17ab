"""Issue 22's start-up rows: ``gbagraph serve`` cold (empty cache folder) and warm (the same folder) to
``/healthz``, each step's seconds and the peak PSS of the whole process tree during it.

``python -m benchmarks.issue22 ROOT --label 100k [--warm 2] [--limit-mb 3000] [--src DIR] [--out FILE.jsonl]``

Each start runs in a fresh process group on 127.0.0.1, every start on the same free port (one deployment, so
one public URL; ``--new-port`` for another each time).  The server's log is read as it is written
and every line stamped; a thread samples the tree's PSS every 0.2 s.  A step's line (``gbagraph: parse: 5.61 s;
…``) is logged when the step ends, so the step ran from that stamp less its seconds: its peak PSS is the highest
sample in that window.  The time after ``prepare()`` (the app: search index, response cache) up to ``/healthz``
is the row ``app``; then it waits until a search answers (``search_ready_seconds``: a big graph's search index
is built after ready, by another process, inside the PSS figures).  A watchdog kills the tree past
``--limit-mb`` (PSS) and marks the run failed.  ``--src`` runs another tree's code (its ``src`` first on
``PYTHONPATH``) for before/after figures.  Prints one JSON object
per start and, at the end, the issue's table rows in Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from .harness import free_port, tree_pss_mb

STEP_LINE = re.compile(r"^gbagraph: (open|parse|validate|infer|seal|engine): ([0-9.]+) s")
READY_LINE = re.compile(r"^gbagraph: ready in ([0-9.]+) s")


@dataclass
class Sampled:
    """The PSS of a process tree over time (seconds since the start, MB), sampled in a thread; the watchdog
    kills the tree (its process group) past ``limit_mb``."""

    pid: int
    limit_mb: float
    began: float
    interval: float = 0.2
    samples: list[tuple[float, float]] = field(default_factory=list)
    killed: bool = False
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self._stop.is_set():
            pss = tree_pss_mb(self.pid)
            self.samples.append((time.monotonic() - self.began, pss))
            if pss > self.limit_mb and not self.killed:
                self.killed = True
                _kill(self.pid, signal.SIGKILL)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()

    def peak(self, since: float = 0.0, until: float = float("inf")) -> float:
        return max((pss for t, pss in self.samples if since <= t <= until), default=0.0)


def _kill(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def _read_log(stream: object, began: float, lines: list[tuple[float, str]]) -> None:
    for raw in iter(stream.readline, b""):  # type: ignore[attr-defined]
        lines.append((time.monotonic() - began, raw.decode("utf-8", "replace").rstrip()))


def one_start(root: Path, cache_dir: Path, *, port: int, limit_mb: float, timeout: float, workers: int,
              src: Path | None, env: dict[str, str]) -> dict[str, object]:
    """One ``gbagraph serve`` until ``/healthz`` answers 200: seconds, steps, peak PSS (whole and per step)."""
    environ = {**os.environ, "GBAGRAPH_CACHE_DIR": str(cache_dir), **env}
    if src is not None:
        environ["PYTHONPATH"] = os.pathsep.join([str(src / "src"), environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    command = [sys.executable, "-m", "gbagraph", "--root", str(root), "serve", "--host", "127.0.0.1", "--port",
               str(port), "--workers", str(workers)]
    began = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environ,
                            start_new_session=True)
    lines: list[tuple[float, str]] = []
    reader = threading.Thread(target=_read_log, args=(proc.stdout, began, lines), daemon=True)
    reader.start()
    sampler = Sampled(proc.pid, limit_mb, began)
    sampling = threading.Thread(target=sampler.run, daemon=True)
    sampling.start()
    result: dict[str, object] = {"port": port}
    try:
        result.update(_wait_ready(proc, port, began, timeout, sampler))
        time.sleep(1.0)  # the workers' own start, inside the figure of the PSS once ready
        result["pss_ready_mb"] = round(tree_pss_mb(proc.pid), 1)
        if "error" not in result:  # the search index may be built after ready (big graphs, cold): wait for it
            result["search_ready_seconds"] = _wait_search(port, began, timeout, sampler)
    finally:
        sampler.stop()
        sampling.join(5)
        if proc.poll() is None:
            _kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _kill(proc.pid, signal.SIGKILL)
                proc.wait()
        reader.join(5)
    result["peak_pss_mb"] = round(sampler.peak(), 1)
    result["steps"] = _steps(lines, sampler, result.get("ready_seconds"))
    result["log_tail"] = [text for _t, text in lines if not STEP_LINE.match(text)][-3:] if "error" in result else []
    return result


def _wait_ready(proc: subprocess.Popen[bytes], port: int, began: float, timeout: float,
                sampler: Sampled) -> dict[str, object]:
    while time.monotonic() - began < timeout:
        if sampler.killed:
            return {"error": f"killed by the watchdog past {sampler.limit_mb:.0f} MB PSS"}
        if proc.poll() is not None:
            return {"error": f"exited with {proc.returncode}"}
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return {"ready_seconds": round(time.monotonic() - began, 2)}
        except requests.RequestException:
            pass
        time.sleep(0.1)
    return {"error": f"not ready after {timeout:.0f} s"}


def _wait_search(port: int, began: float, timeout: float, sampler: Sampled) -> float | None:
    """Seconds from the start until a search answers (not 503), or None."""
    while time.monotonic() - began < timeout and not sampler.killed:
        try:
            answer = requests.get(f"http://127.0.0.1:{port}/search", params={"q": "plenary"}, timeout=30,
                                  allow_redirects=False)
            if answer.status_code != 503:
                return round(time.monotonic() - began, 2)
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return None


def _steps(lines: list[tuple[float, str]], sampler: Sampled, ready: object) -> list[dict[str, object]]:
    """``begin`` (to the first step), each step of the log with its seconds and its peak PSS; then ``app``
    (after ``prepare()``, to ready)."""
    out: list[dict[str, object]] = []
    prepared_at: float | None = None
    for stamp, text in lines:
        step = STEP_LINE.match(text)
        if step:
            seconds = float(step[2])
            if not out:  # before the first step: imports, settings, the input files scanned and hashed
                out.append({"step": "begin", "seconds": round(stamp - seconds, 2),
                            "peak_pss_mb": round(sampler.peak(0.0, stamp - seconds), 1)})
            out.append({"step": step[1], "seconds": seconds, "cached": "(cache)" in text,
                        "peak_pss_mb": round(sampler.peak(stamp - seconds - 0.3, stamp), 1),
                        "line": text[len("gbagraph: "):]})
        elif READY_LINE.match(text) and prepared_at is None:
            prepared_at = stamp
    if prepared_at is not None and isinstance(ready, float):
        out.append({"step": "app", "seconds": round(ready - prepared_at, 2),
                    "peak_pss_mb": round(sampler.peak(prepared_at, ready), 1)})
    return out


def table(label: str, cold: dict[str, object], warm: list[dict[str, object]], load: str) -> str:
    """The issue's rows for one scale (Markdown)."""
    def steps(run: dict[str, object]) -> str:
        listed = run.get("steps")
        parts = [f"{s['step']} {s['seconds']:.1f} s / {s['peak_pss_mb']:.0f} MB"
                 for s in (listed if isinstance(listed, list) else [])]
        return "; ".join(parts)

    ready = [w.get("ready_seconds") for w in warm]
    rows = [f"| {label} cold, `gbagraph serve` to `/healthz` | ≤ 60 s | {cold.get('ready_seconds', cold.get('error'))} s "
            f"({steps(cold)}; search answers after {cold.get('search_ready_seconds')} s) | {load} |",
            f"| {label} warm (cache present) | ≤ 5 s | {' / '.join(str(r) for r in ready)} s | {load} |",
            f"| {label} peak PSS of the process tree | ≤ 2 GB | cold {cold.get('peak_pss_mb')} MB, warm "
            f"{max((float(str(w.get('peak_pss_mb', 0))) for w in warm), default=0):.0f} MB | {load} |"]
    return "\n".join(rows)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--label", default="")
    parser.add_argument("--cache-dir", type=Path, help="default: a fresh temporary folder (removed after)")
    parser.add_argument("--warm", type=int, default=2, help="warm starts after the cold one")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit-mb", type=float, default=3000, help="watchdog: kill the tree past this PSS")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--src", type=Path, help="another tree whose code to run (its src/ first on PYTHONPATH)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server's environment")
    parser.add_argument("--out", type=Path, help="append the JSON lines here too")
    parser.add_argument("--new-port", action="store_true",
                        help="each start on another port (so another public URL: the store is copied for it)")
    args = parser.parse_args(argv)
    env = dict(item.split("=", 1) for item in args.env)
    label = args.label or args.root.name
    with tempfile.TemporaryDirectory(prefix="gbagraph-issue22-") as scratch:
        cache = args.cache_dir or Path(scratch)
        runs: list[dict[str, object]] = []
        loads: list[str] = []
        port = free_port()  # one deployment: the same address (public URL) for every start
        for run in range(1 + args.warm):
            loads.append(_load())
            result = {"scale": label, "run": "cold" if run == 0 else f"warm {run}", "load_before": loads[-1],
                      "src": str(args.src or "."), **one_start(args.root, cache, port=free_port() if args.new_port else port,
                                                               limit_mb=args.limit_mb,
                                                               timeout=args.timeout, workers=args.workers,
                                                               src=args.src, env=env)}
            line = json.dumps(result)
            print(line, flush=True)
            if args.out is not None:
                with args.out.open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
            runs.append(result)
            if "error" in result:
                break
    print(table(label, runs[0], runs[1:], f"load {loads[0]}"))
    return 0 if all("error" not in r for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
