"""``gbagraph serve`` with data it must not serve (a Turtle file that does not parse, data that fails SHACL):
a clear message naming the file and line, or the shape's focus node, path and message; a non-zero exit; and
nothing ever listening on the port."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from load.server import listening, start

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"


def refused(root: Path) -> tuple[int, str, bool]:
    """Run ``gbagraph serve`` on ``root``: (exit code, stderr, whether the port ever accepted a connection)."""
    server = start(root, wait=0)
    seen = False
    deadline = time.monotonic() + 60
    try:
        while server.proc.poll() is None and time.monotonic() < deadline:
            seen = seen or listening(server.port)
            time.sleep(0.05)
        assert server.proc.poll() is not None, "gbagraph serve kept running on data it must refuse"
        seen = seen or listening(server.port)
    finally:
        log = server.stop()
    return server.proc.returncode, log + server.output(), seen


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    target = tmp_path / "root"
    shutil.copytree(MINI, target)
    return target


def test_a_data_file_that_does_not_parse(root: Path) -> None:
    data = root / "data" / "mini-source" / "p01.ttl"
    lines = data.read_text(encoding="utf-8").splitlines()
    lines.append('person:broken gba:note "no closing quote .')
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, log, seen = refused(root)
    assert code != 0 and not seen
    assert f"p01.ttl:{len(lines)}:" in log, log  # file and line of the broken statement
    assert "refusing to serve" in log and "Traceback" not in log and "Listening at" not in log


def test_an_ontology_file_that_does_not_parse(root: Path) -> None:
    (root / "ontology" / "extra.ttl").write_text("@prefix : <http://example.org/> .\n\n:a :b :c ;\n  :d", "utf-8")
    code, log, seen = refused(root)
    assert code != 0 and not seen
    assert "extra.ttl:" in log and "Traceback" not in log


def test_data_that_fails_shacl(root: Path) -> None:
    with open(root / "data" / "mini-source" / "p01.ttl", "a", encoding="utf-8") as f:
        f.write("\nperson:no-label a gba:Official .\n")
    code, log, seen = refused(root)
    assert code == 1 and not seen
    assert "does not conform" in log
    violation = next(line for line in log.splitlines() if ": Violation: " in line)
    # the file and line the node is described at, focus node, path and the shape's message
    assert violation.split(": Violation: ")[0].endswith("p01.ttl:8"), violation
    assert "person:no-label" in violation and "rdfs:label" in violation
    assert "an official needs exactly one label" in violation
    assert "Traceback" not in log and "Listening at" not in log
