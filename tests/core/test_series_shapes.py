"""Bad input for the meeting series fails ``gbagraph validate`` with a message naming the file.

Each case copies a small project (the real ontology and shapes, and the folders of one or two sources of the
meeting series), breaks one thing the way a curator could, and runs the real command line on the copy: a source
graph without its source document, a meeting without a date or without co-chairs, a person typed twice under two
IRIs with the same label, an editorial statement whose triple is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("meeting-03-press-release", "plenary-06-press-release")


def run_validate(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gbagraph", "--root", str(root), "validate"],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    for name in SOURCES:
        shutil.copytree(ROOT / "data" / name, tmp_path / "data" / name)
    return tmp_path


def remove_lines(path: Path, pattern: str) -> None:
    """Drop the lines matching ``pattern`` (each a whole triple or a ``;``-continued line of one)."""
    text = path.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if not re.search(pattern, line)]
    assert len(kept) < len(text.splitlines()), f"{pattern!r} not in {path}"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def assert_fails_naming(proc: subprocess.CompletedProcess, message: str, file: str) -> None:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stdout.splitlines() if message in line]
    assert lines, proc.stdout
    assert any(file in line for line in lines), lines


def test_small_project_conforms(small_project: Path):
    proc = run_validate(small_project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("conforms")


def test_paragraph_files_without_source_ttl(small_project: Path):
    (small_project / "data" / "meeting-03-press-release" / "source.ttl").unlink()
    proc = run_validate(small_project)
    assert_fails_naming(proc, "no source.ttl describes it", "data/meeting-03-press-release/p01.ttl")


def test_source_ttl_without_its_source_document(small_project: Path):
    source = small_project / "data" / "plenary-06-press-release" / "source.ttl"
    text = source.read_text(encoding="utf-8")
    # drop the source document's own description: the block that starts with its IRI, up to the first paragraph
    start = text.index("source:plenary-06-press-release a ")
    end = text.index("src:p01 a gba:Paragraph")
    source.write_text(text[:start] + text[end:], encoding="utf-8")
    proc = run_validate(small_project)
    assert_fails_naming(proc, "needs exactly one dcterms:isPartOf, its source document",
                        "data/plenary-06-press-release/source.ttl")


def test_meeting_without_a_date(small_project: Path):
    remove_lines(small_project / "data" / "meeting-03-press-release" / "p01.ttl", r"gba:date ")
    proc = run_validate(small_project)
    assert_fails_naming(proc, "A meeting or visit needs exactly one gba:date", "data/meeting-03-press-release/p01.ttl")


def test_meeting_without_co_chairs(small_project: Path):
    # the 3rd meeting's co-chairs are editorial (the release says the delegations were "led by" them)
    (small_project / "data" / "meeting-03-press-release" / "editorial.ttl").unlink()
    proc = run_validate(small_project)
    assert_fails_naming(proc, "A meeting of a series needs its two co-chairs", "data/meeting-03-press-release/p01.ttl")


def test_meeting_without_a_place(small_project: Path):
    remove_lines(small_project / "data" / "plenary-06-press-release" / "p01.ttl", r"gba:location ")
    proc = run_validate(small_project)
    assert_fails_naming(proc, "A meeting of a series needs a place", "data/plenary-06-press-release/p01.ttl")


def test_person_typed_twice_under_two_iris(small_project: Path):
    p02 = small_project / "data" / "meeting-03-press-release" / "p02.ttl"
    p02.write_text(p02.read_text(encoding="utf-8") + '\nperson:anson-chan-2 a gba:Official ;\n'
                   '    rdfs:label "Anson Chan"@en ;\n    skos:prefLabel "Anson Chan"@en .\n', encoding="utf-8")
    proc = run_validate(small_project)
    assert_fails_naming(proc, 'has the same English label "Anson Chan"', "data/meeting-03-press-release/p02.ttl")
    assert "person:anson-chan-2" in proc.stdout


def test_editorial_statement_without_its_triple(small_project: Path):
    editorial = small_project / "data" / "plenary-06-press-release" / "editorial.ttl"
    remove_lines(editorial, r"^meeting:hk-gd-joint-conference-plenary-6 gba:date ")
    proc = run_validate(small_project)
    assert proc.returncode == 1
    assert "The triple this editorial statement describes is not asserted" in proc.stdout
    assert "A meeting or visit needs exactly one gba:date" in proc.stdout
