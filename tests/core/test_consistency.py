"""The consistency check of participations against post holdings (``gbagraph.consistency``): the same answer as
query 42, each warning with the file and line of the participation, and ``gbagraph validate`` prints them
without failing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gbagraph.config import Settings
from gbagraph.consistency import conflicts, report
from gbagraph.reference.loader import load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def found():
    return conflicts(load(Settings(root=ROOT)))


def test_the_check_finds_the_participations_query_42_lists(found):
    # 16 worked out by hand (tests/test_queries.py UNCOVERED_PARTICIPATIONS), one of them acting, and (issue 18)
    # the participants of six Working Meetings whom no holding page read covers: Zhao Yufang (16th, 2011-02-28;
    # 20th, 2015-03-11),
    # He Zhongyou (21st, 2016-03-23; 22nd, 2017-02-23), Matthew Cheung (22nd), Henry Tang (10th, 2008-01-08;
    # 11th, 2008-06-23; 16th), Tang Bingquan (10th) and Wan Qingliang (11th); Carrie Lam as Chief Secretary at the
    # 20th and 21st is covered by her holding of that post
    # (+ 6 more: Tang Bingquan at the 1st, 2nd and 9th, Henry Tang at the 9th and 15th, Liu Kun at the 15th;
    # Donald Tsang as Chief Secretary at the 1st and 2nd is covered)
    # (+ 4 more: Rafael Hui and Tang Bingquan at the 6th and 7th)
    # (+ 4 more, wmeetings: Tang Bingquan at the 3rd, Stephen Lam and Zhao Yufang at the 17th, Zhao Yufang at the
    # 18th; Donald Tsang at the 3rd and Carrie Lam at the 18th, as Chief Secretary, are covered)
    # (+ 1 more, wmeetings relaunch: Zhao Yufang at the 19th; Carrie Lam there as Chief Secretary is covered)
    # (+ 4 more: Henry Tang and Wan Qingliang at the 12th and 13th)
    # (+ 2 more: Rafael Hui and Tang Bingquan at the 8th)
    assert len(found) == 16 + 31
    assert {(c.person, c.date) for c in found} >= {
        ("Zhao Yufang", "2015-03-11"), ("He Zhongyou", "2016-03-23"), ("He Zhongyou", "2017-02-23"),
        ("Matthew Cheung", "2017-02-23"), ("Henry Tang", "2008-01-08"), ("Henry Tang", "2008-06-23"),
        ("Tang Bingquan", "2008-01-08"), ("Wan Qingliang", "2008-06-23")}
    assert [c.person for c in found if c.acting] == ["Bernard Chan"]
    assert {(c.person, c.date) for c in found} >= {("Lam Sai-hung", "2023-03-21"), ("Zhou Bo", "2003-08-05")}


def test_each_warning_names_the_file_and_line_of_the_participation(found):
    for c in found:
        assert c.file is not None and c.file.name.startswith("p"), c
        line = c.file.read_text(encoding="utf-8").splitlines()[c.line - 1]
        assert c.participation.rsplit("/", 1)[-1] in line and " a gba:Participation" in line, (c, line)
        assert f"{c.file}:{c.line}: " in c.text()


@pytest.mark.slow  # `gbagraph validate` on a copy of the bundled project: a cold build (~8 s)
def test_a_meeting_date_outside_every_holding_is_reported(tmp_path: Path):
    """John Lee's holding as Chief Executive ends the day before the 23rd Plenary: the CLI warns, exit code 0."""
    project = tmp_path / "project"
    for folder in ("ontology", "data"):
        shutil.copytree(ROOT / folder, project / folder)
    holdings = [p for p in (project / "data").glob("*/p*.ttl")
                if "holding:john-lee--chief-executive-of-the-hksar--2022-07-01" in p.read_text(encoding="utf-8")]
    assert holdings
    for path in holdings:
        text = path.read_text(encoding="utf-8")
        start = text.index("holding:john-lee--chief-executive-of-the-hksar--2022-07-01 a gba:PostHolding")
        end = text.index(" .\n", start)
        path.write_text(text[:end] + " ;\n    gba:heldUntil date:2023-03-20" + text[end:], encoding="utf-8")
    (project / "ontology" / "calendar-test.ttl").write_text(
        "@prefix gba: <https://w3id.org/gbagraph/def/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/gbagraph/id/date/2023-03-20> a gba:CalendarInterval ; rdfs:label "2023-03-20"@en ; '
        'skos:prefLabel "2023-03-20"@en ; gba:dateValue "2023-03-20"^^xsd:date ; '
        'gba:earliest "2023-03-20"^^xsd:date ; gba:latest "2023-03-20"^^xsd:date .\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gbagraph", "--root", str(project), "validate"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    p01 = project / "data" / "plenary-23-press-release" / "p01.ttl"
    line = next(n for n, text in enumerate(p01.read_text(encoding="utf-8").splitlines(), start=1)
                if text.startswith("part:hk-gd-joint-conference-plenary-23-john-lee a gba:Participation"))
    assert (f"warning: {p01}:{line}: John Lee took part in the 23rd Plenary of the Hong Kong/Guangdong "
            f"Co-operation Joint Conference (2023-03-21) as Chief Executive of the HKSAR") in proc.stdout
    # the 23rd and the 24th (2024-07-12), besides the 47 of the bundled data (16 + 31 at working meetings)
    assert "consistency: 49 participation(s) not covered" in proc.stdout


def test_the_report_counts_the_acting_ones(found):
    text = report(load(Settings(root=ROOT)))
    assert text.endswith("consistency: 47 participation(s) not covered by a post holding (1 acting)\n")
