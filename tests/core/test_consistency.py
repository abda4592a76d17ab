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
    # 11 worked out by hand (tests/data/test_queries.py UNCOVERED_PARTICIPATIONS), one of them acting, and (issue 18)
    # 6 participations at Working Meetings that no holding page read covers: Tang Bingquan's (1st, 2nd, 6th, 7th, 9th,
    # 10th: only his stepping down in January 2008 is printed, no start). Covered by issue 18's holdings: the Chief
    # Secretaries Rafael Hui, Henry Tang and Matthew Cheung, the Vice-Governors Wan Qingliang, Liu Kun, He Zhongyou
    # and Zhao Yufang (also her 17th Plenary participation), Yang Wanming (HKMAO) at the 23rd Plenary and Zhou Bo
    # (HKMAO deputy director from June 2003, crntt 2010 report; BBC's 2013 kept on its own holding) at the 6th and 11th,
    # and Lam Sai-hung (Secretary for Transport and Logistics, 1 July 2022 - 5 December 2024) at the 23rd.
    # (+ 1 more, wmeetings: Tang Bingquan at the 3rd, 2004-05-21; Stephen Lam at the 17th, 2012-01-09, is covered since
    # the audit by row 5 of wikimili's list, 30 September 2011 - 30 June 2012; Zhao Yufang at the 17th and 18th is
    # covered, and so are Donald Tsang at the 3rd and Carrie Lam at the 18th)
    # (+ 1 more, wmeetings relaunch: Tang Bingquan at the 8th, 2007-01-29; the new working meetings' other co-chairs and
    # delegation leaders, Rafael Hui (8th), Henry Tang and Wan Qingliang (12th, 13th), Carrie Lam and Zhao Yufang
    # (19th), are covered by their holdings)
    # (+ 3 more, attendees: the 6th Working Meeting's key officials attending, p3: Stephen Lam as Secretary for
    # Constitutional Affairs, Sandra Lee and Joshua Law as Permanent Secretaries, 2006-02-16; no holding page read)
    assert len(found) == 11 + 11
    assert {(c.person, c.date) for c in found} >= {("Tang Bingquan", "2008-01-08"), ("Tang Bingquan", "2003-09-09")}
    assert not {c.person for c in found} & {"Rafael Hui", "Henry Tang", "Matthew Cheung", "Wan Qingliang", "Liu Kun",
                                            "He Zhongyou", "Yang Wanming", "Zhao Yufang", "Zhou Bo", "Lam Sai-hung"}
    assert ("Stephen Lam", "2012-01-09") not in {(c.person, c.date) for c in found}  # covered as Chief Secretary
    assert [c.person for c in found if c.acting] == ["Bernard Chan"]
    assert {(c.person, c.date) for c in found} >= {("Bernard Chan", "2023-03-21"), ("Zheng Kunsheng", "2004-08-04"),
                                                  ("Sandra Lee", "2006-02-16"), ("Joshua Law", "2006-02-16")}


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
    # the 23rd and the 24th (2024-07-12), besides the 22 of the bundled data (11 + 11 at working meetings)
    assert "consistency: 24 participation(s) not covered" in proc.stdout


def test_the_report_counts_the_acting_ones(found):
    text = report(load(Settings(root=ROOT)))
    assert text.endswith("consistency: 22 participation(s) not covered by a post holding (1 acting)\n")
