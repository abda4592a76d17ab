"""The benchmark harness runs end to end at tiny scale (both servers on 127.0.0.1) and writes its report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tooling import require_tool

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_benchmark_writes_report(tmp_path: Path) -> None:
    require_tool("oxigraph", "pip install oxigraph")
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--scales", "2k", "--out", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads((tmp_path / "quick.json").read_text(encoding="utf-8"))
    scale = report["scales"][0]
    assert scale["start"]["cold"]["seconds"]["total"] > 0
    assert "open" in scale["start"]["warm"]["seconds"] and "infer" not in scale["start"]["warm"]["seconds"]  # opened
    timed = [v for v in scale["latency"].values() if "median_ms" in v["gbagraph"]]
    assert timed, "no query was answered by both servers"
    assert all(v["oxigraph"]["median_ms"] > 0 for v in timed)
    assert scale["throughput"]["gbagraph"]["1"]["rps"] > 0 and scale["throughput"]["oxigraph"]["8"]["rps"] > 0
    # our server side by side twice (issue 22): the response cache on and off, both figures recorded and shown
    assert scale["throughput"]["gbagraph-nocache"]["8"]["rps"] > 0
    assert all("median_ms" in v["gbagraph-nocache"] for v in timed)
    assert scale["summary"]["geomean_latency_ratio"] > 0 and scale["summary"]["geomean_latency_ratio_nocache"] > 0
    markdown = (tmp_path / "quick.md").read_text(encoding="utf-8")
    assert "| scale |" in markdown and "cache on \\| off" in markdown
    assert (tmp_path / "quick.png").read_bytes().startswith(b"\x89PNG")
