"""The command line's own words (issue 20.8): a whole description in --help, and a hint about --root when the
data folder is missing because gbagraph runs outside its checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def gbagraph(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gbagraph", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})}, check=False)


def test_help_says_whole_sentences(tmp_path):
    out = gbagraph("--help", cwd=tmp_path).stdout
    description = " ".join(out.split("\n\n")[1].split())
    assert description.startswith("gbagraph: a linked-data knowledge graph") and description.endswith(".")
    assert "--root FOLDER" in " ".join(out.split())


def test_missing_data_folder_hints_at_root(tmp_path):
    """As from a wheel: the root falls back to a folder without data/ (GBAGRAPH_ROOT stands in for it)."""
    run = gbagraph("stats", cwd=tmp_path, env={"GBAGRAPH_ROOT": str(tmp_path)})
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert "no data folder" in run.stderr and "pass --root FOLDER" in run.stderr
    given = gbagraph("--root", str(tmp_path), "stats", cwd=tmp_path)
    assert "no data folder" in given.stderr and "--root" not in given.stderr  # it was given: no hint
