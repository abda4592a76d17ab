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
    assert scale["start"]["warm"]["seconds"]["infer"] <= scale["start"]["cold"]["seconds"]["infer"] + 0.5
    timed = [v for v in scale["latency"].values() if "median_ms" in v["gbagraph"]]
    assert timed, "no query was answered by both servers"
    assert all(v["oxigraph"]["median_ms"] > 0 for v in timed)
    assert scale["throughput"]["gbagraph"]["1"]["rps"] > 0 and scale["throughput"]["oxigraph"]["8"]["rps"] > 0
    assert "| scale |" in (tmp_path / "quick.md").read_text(encoding="utf-8")
    assert (tmp_path / "quick.png").read_bytes().startswith(b"\x89PNG")


def test_generator_is_deterministic_and_sized(tmp_path: Path) -> None:
    from benchmarks.generate import generate

    a = generate(tmp_path / "a", 6000)
    b = generate(tmp_path / "b", 6000)
    assert a == b and a["asserted_triples_estimate"] >= 6000
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.ttl"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.ttl"))
    assert files_a == files_b
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a)


def test_generated_data_conforms_and_loads_as_estimated(tmp_path: Path) -> None:
    from benchmarks.generate import generate
    from gbagraph.config import Settings
    from gbagraph.store import load
    from gbagraph.validate import validate

    manifest = generate(tmp_path / "g", 14_000)  # the bundled data (~10.8k in 0.3.0) and a few synthetic plenaries
    assert manifest["plenaries"] >= 2
    settings = Settings(root=tmp_path / "g")
    bundle = load(settings)
    assert len(bundle.asserted()) == pytest.approx(manifest["asserted_triples_estimate"], rel=0.02)
    if settings.shapes_file.exists():
        result = validate(bundle, settings.shapes_file)
        assert result.conforms, result.text()[:2000]
