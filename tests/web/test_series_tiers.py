"""Issue 18 (items 3 and 5) on a real server: /series shows both tiers of the Joint Conference (its plenaries and the
sub-series of its working meetings) in their own timeline rows and one table with each meeting's co-operation areas
and agreements (named of stated), and each meeting's page links its neighbours (previous and next in its series,
the plenaries a working meeting was held between, the meetings the sources say it prepared or followed up).
Expectations come from the store through the SPARQL endpoint, so that they hold for whatever meetings the data has;
only the 22nd Working Meeting's neighbours are pinned (working-meeting-22-press-release p1, p2; the plenaries'
dates from their releases)."""

from __future__ import annotations

import html
import re
from collections import defaultdict

import requests

from .conftest import Server

HTML = {"Accept": "text/html"}
CONFERENCE = "id/meeting/hk-gd-joint-conference"


def page(server: Server, path: str) -> str:
    r = requests.get(server.url + path, headers=HTML, timeout=30)
    assert r.status_code == 200, (path, r.status_code)
    return r.text


def local(server: Server, iri: str) -> str:
    assert iri.startswith(server.base), iri
    return "/" + iri[len(server.base):]


def tiers(server: Server) -> dict[str, set[str]]:
    """The meetings of the Joint Conference and of each series under it (gba:subSeriesOf+), by series, as local
    paths."""
    rows = server.select(f"""PREFIX gba: <{server.base}def/>
        SELECT ?series ?meeting WHERE {{
          {{ BIND(<{server.base}{CONFERENCE}> AS ?series) }} UNION {{ ?series gba:subSeriesOf+ <{server.base}{CONFERENCE}> }}
          ?meeting gba:partOfSeries ?series FILTER(isIRI(?meeting)) }}""")
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        out[r["series"]["value"]].add(local(server, r["meeting"]["value"]))
    return dict(out)


def per_meeting(server: Server, where: str, value: str = "(COUNT(DISTINCT ?x) AS ?n)") -> dict[str, int]:
    """``{local path of ?m: ?n}`` for a pattern over ?m and ?x (one SPARQL aggregate through the endpoint)."""
    rows = server.select(f"PREFIX gba: <{server.base}def/> PREFIX dcterms: <http://purl.org/dc/terms/> "
                         f"SELECT ?m {value} WHERE {{ {where} }} GROUP BY ?m")
    return {local(server, r["m"]["value"]): int(r["n"]["value"]) for r in rows}


def svg_bands(text: str) -> list[tuple[str, list[str]]]:
    """The timeline's bands: (heading, hrefs of its items), in order."""
    svg = text[text.index("<svg"):text.index("</svg>")]
    out = []
    for chunk in svg.split('<g class="tl-band"')[1:]:
        heading = html.unescape(re.search(r'class="tl-heading"[^>]*>([^<]*)<', chunk).group(1))
        out.append((heading, re.findall(r'<a class="tl-item" href="([^"]+)"', chunk)))
    return out


def table_rows(text: str) -> dict[str, dict[str, str]]:
    """The series table by the meeting each row links: its tier and its cells (HTML) by class."""
    body = text[text.index('<table class="results-table series-table">'):text.index("</table>")]
    out = {}
    for tier, row in re.findall(r'<tr class="tier-([^"]+)">(.*?)</tr>', body, re.S):
        cells = re.findall(r"<td(?: class=\"([a-z]+)\")?>(.*?)</td>", row, re.S)
        meeting = re.search(r'href="([^"]+)"', cells[1][1]).group(1)
        out[meeting] = {cls: cell for cls, cell in cells if cls} | {"row-class": tier}
    return out


def test_series_page_has_a_timeline_row_per_tier(server):
    by_series = tiers(server)
    text = page(server, "series")
    if server.name == "mini":  # no meetings: no bands, no rows, no error
        assert by_series == {} and svg_bands(text) == [] and "0 meetings" in text
        return
    own = by_series.pop(server.base + CONFERENCE)
    assert by_series, "the data has working meetings (a sub-series of the Joint Conference)"
    bands = svg_bands(text)
    assert len(bands) == 1 + len(by_series)
    note = re.search(r"Not on the timeline \(no date stated\):(.*?)</p>", text, re.S)
    undated = set(re.findall(r'<a href="([^"]+)"', note.group(1))) if note else set()
    heading, hrefs = bands[0]  # the Joint Conference's own meetings first: its plenaries
    assert heading == f"Plenaries ({len(hrefs)})" and set(hrefs) <= own and own - set(hrefs) <= undated
    rest = [set(h) for _, h in bands[1:]]
    for meetings in by_series.values():  # each sub-series in a band of its own, every dated meeting of it there
        band = next(b for b in rest if b & meetings)
        assert band <= meetings and meetings - band <= undated
    assert any(h.startswith(f"Working Meetings ({len(hs)})") for h, hs in bands[1:]), [h for h, _ in bands]
    rows = table_rows(text)
    assert {m for m, r in rows.items() if r["row-class"] == "plenary"} == own
    assert {m for m, r in rows.items() if r["row-class"] == "working-meeting"} == set().union(*by_series.values())
    intro = html.unescape(text[text.index('<p class="intro">'):text.index("</p>", text.index('<p class="intro">'))])
    assert f"({len(own)} plenaries, {len(rows) - len(own)} working meetings)" in " ".join(intro.split())


def test_series_table_areas_and_agreements(server):
    text = page(server, "series")
    if server.name == "mini":
        assert "<tr class=" not in text
        return
    rows = table_rows(text)
    meetings = set().union(*tiers(server).values())
    assert set(rows) == meetings
    areas = per_meeting(server, "?m gba:cooperationArea ?x FILTER(isIRI(?x))")
    signed = "?x gba:signedAt|gba:signedAfter ?m FILTER(isIRI(?x))"
    agreements = per_meeting(server, signed)
    named = per_meeting(server, signed + " FILTER NOT EXISTS { ?x gba:notStatedInSources dcterms:title }")
    stated = per_meeting(server, '?f gba:figureAbout ?m ; gba:unitText "agreements signed" ; gba:value ?x',
                         "(MAX(xsd:integer(?x)) AS ?n)")
    assert sum(areas.values()) > 0 and sum(agreements.values()) > 0 and stated  # the data has each of them
    for m in sorted(meetings):
        row = rows[m]
        assert row["areas"].count("<a ") == areas.get(m, 0), (m, row["areas"])
        cell = row["agreements"]
        summary = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell.split("<ul>")[0])).split())
        assert cell.count("<li>") == agreements.get(m, 0), (m, cell)
        assert cell.count("(topic only)") == agreements.get(m, 0) - named.get(m, 0), (m, cell)
        if named.get(m):
            assert summary.startswith(f"{named[m]} named"), (m, summary)
        if m in stated:
            assert f"of {stated[m]} stated" in summary, (m, summary)
        elif agreements.get(m):
            assert summary.endswith("(no count stated)"), (m, summary)
        else:
            assert summary == "none recorded", (m, summary)


def nav(text: str) -> str:
    start = text.index('<nav class="meeting-nav"')
    return text[start:text.index("</nav>", start)]


def test_meeting_pages_link_previous_and_next_in_their_series(server):
    by_series = tiers(server)
    if server.name == "mini":
        assert 'class="meeting-nav"' not in page(server, server.some_resource()[len(server.base):])
        return
    for series, meetings in by_series.items():
        rows = server.select(f"""PREFIX gba: <{server.base}def/>
            SELECT ?m ?ordinal WHERE {{ ?m gba:partOfSeries <{series}> ; gba:ordinal ?ordinal }} ORDER BY ?ordinal""")
        order = [local(server, r["m"]["value"]) for r in rows]
        assert set(order) == meetings, series  # every meeting of the Joint Conference has its ordinal
        for i, m in enumerate(order):
            links = nav(page(server, m.lstrip("/")))
            assert re.findall(r'<a rel="prev" href="([^"]+)"', links) == order[max(i - 1, 0):i], m
            assert re.findall(r'<a rel="next" href="([^"]+)"', links) == order[i + 1:i + 2], m
            assert f'href="{local(server, series)}"' in links and 'href="/series"' in links, m


def test_meeting_pages_link_the_meetings_the_sources_say_they_prepared_or_followed_up(server):
    rows = server.select(f"""PREFIX gba: <{server.base}def/>
        SELECT ?m ?p ?other WHERE {{ VALUES ?p {{ gba:preparesMeeting gba:followsUpMeeting }} ?m ?p ?other }}""")
    if server.name == "mini":
        assert rows == []
        return
    assert rows, "the data states some working meeting prepared or followed up a plenary"
    words = {"preparesMeeting": ("prepared", "prepared by"), "followsUpMeeting": ("follows up", "followed up by")}
    for r in rows:
        m, other = local(server, r["m"]["value"]), local(server, r["other"]["value"])
        forward, backward = words[r["p"]["value"].rsplit("/", 1)[1]]
        assert re.search(rf'<span class="link-stated">{forward} <a href="{other}">', nav(page(server, m[1:]))), (m, other)
        assert re.search(rf'<span class="link-stated">{backward} <a href="{m}">', nav(page(server, other[1:]))), (other, m)


def test_the_22nd_working_meeting_and_its_neighbours(server):
    if server.name == "mini":
        return
    links = html.unescape(nav(page(server, "id/meeting/hk-gd-joint-conference-working-meeting-22")))
    text = " ".join(re.sub(r"<[^>]+>", "", links).split())
    # working-meeting-21-press-release p1: the 21st on 23 March 2016; plenary-19 and plenary-20 releases: their dates
    assert '<a rel="prev" href="/id/meeting/hk-gd-joint-conference-working-meeting-21">21st Working Meeting</a>' in links
    assert "By date: held between 19th Plenary 2016-09-14 and 20th Plenary 2017-11-18." in text
    # working-meeting-22-press-release p2: the 2017 Work Plan drawn up on the consensus of the 19th Plenary
    assert "As the sources state: follows up 19th Plenary 2016-09-14." in text
