"""Pages of the project's own data in headless Chromium.  The search box finds the 23rd Plenary however it is
named (issue 20.4).  Every page readable on a phone (issue 20.3): at 390 px and at 1280 px no page type scrolls sideways (a
wide table scrolls inside its own box).  Screenshots of the query page, a person page and /series at both
widths are saved as artefacts under test-artifacts/screenshots/ (gitignored), for people to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .conftest import REPO, _real_root
from .test_browser import Site, _site, browser  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
ARTEFACTS = REPO / "test-artifacts" / "screenshots"
WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def real_site() -> Iterator[Site]:
    yield from _site(_real_root())


def _first(site: Site, query: str) -> str:
    r = requests.get(site.url + "sparql", params={"query": query},
                     headers={"Accept": "application/sparql-results+json"}, timeout=60)
    r.raise_for_status()
    value = r.json()["results"]["bindings"][0]["x"]["value"]
    base = "https://w3id.org/gbagraph/"
    assert value.startswith(base), value
    return value[len(base):]


@pytest.fixture(scope="module")
def pages(real_site) -> dict[str, str]:
    """One path of each page type (the person with the most statements: the widest property table)."""
    person = _first(real_site, "SELECT ?x WHERE { ?x a gba:Official ; ?p ?o } GROUP BY ?x ORDER BY DESC(COUNT(*)) "
                               "LIMIT 1")
    graph = _first(real_site, "SELECT ?x WHERE { GRAPH ?x { ?s ?p ?o } } GROUP BY ?x ORDER BY DESC(COUNT(*)) LIMIT 1")
    return {"query": "", "person": person, "series": "series", "dumps": "dumps", "graph": graph,
            "search": "search?q=plenary", "void": ".well-known/void", "ontology": "def/gba", "ontology-namespace": "def/"}


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(real_site, pages, browser, width: int) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    wide: dict[str, int] = {}
    try:
        for kind, path in pages.items():
            response = page.goto(real_site.url + path)
            assert response is not None and response.status == 200, (kind, path)
            page.wait_for_load_state("load")
            if kind == "query":  # the results too: a wide answer scrolls in its own box
                page.get_by_role("button", name="Run").click()
                page.wait_for_selector(".results-table tbody tr")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide[kind] = scroll
            if kind in ("query", "person", "series"):
                ARTEFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTEFACTS / f"{kind}-{width}.png"), full_page=True)
    finally:
        context.close()
    assert wide == {}, f"pages wider than {width} px: {wide} ({pages})"
    assert all(Path(ARTEFACTS / f"{k}-{width}.png").stat().st_size > 1000 for k in ("query", "person", "series"))


@pytest.mark.parametrize("text", ["plenary 23", "23rd plenary", "第二十三次"])
def test_search_plenary_23(real_site, browser, text: str) -> None:  # noqa: F811
    page = browser.new_page()
    try:
        page.goto(real_site.url)
        box = page.get_by_role("searchbox", name="Find by name")
        box.fill(text)
        box.press("Enter")
        page.wait_for_load_state("load")
        if "/search" in page.url:  # a list: the meeting first, said to be a meeting
            first = page.locator("ul.search-results li").first
            assert first.locator("a").inner_text().startswith("23rd Plenary"), page.url
            assert first.locator(".kind").inner_text() == "Meeting"
            first.locator("a").click()
            page.wait_for_load_state("load")
        assert page.url.endswith("/id/meeting/hk-gd-joint-conference-plenary-23")
        assert page.locator("h1").inner_text().startswith("23rd Plenary")
    finally:
        page.close()


def test_ontology_diagram_leads_to_its_class_on_a_phone(real_site, browser) -> None:  # noqa: F811
    """At 390 px the class diagram is drawn at full size inside the page's width (no sideways scroll of the page),
    a box of the diagram leads to its class's section, and a wide property table scrolls in its own box."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        page.goto(real_site.url + "def/gba")
        page.wait_for_load_state("load")
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / "ontology-390.png"))  # the top: title, version, start of the diagram
        diagram = page.locator("svg.class-diagram")
        box = diagram.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        natural = int(diagram.get_attribute("width") or 0)
        assert abs(box["width"] - natural) < 1, (box, natural)  # not shrunk: its text stays readable
        meeting = page.locator('svg.class-diagram a.cd-class[href$="#Meeting"]')
        meeting.scroll_into_view_if_needed()
        meeting.click()
        page.wait_for_url("**/def/gba#Meeting")
        section = page.locator("section.onto-class:target")
        assert section.locator("h3").inner_text().startswith("Meeting")
        assert section.is_visible() and (section.bounding_box() or {"y": -1})["y"] >= -1
        page.screenshot(path=str(ARTEFACTS / "ontology-meeting-390.png"))  # the Meeting section
        wide = page.evaluate("""() => [...document.querySelectorAll('.onto-class .table-box, .onto-class table')]
            .filter(b => b.scrollWidth > b.clientWidth).length""")
        assert wide >= 1  # the property tables do not fit 390 px: they scroll in their box...
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # ...not the page
    finally:
        context.close()


def _svg_shapes(svg: str) -> list[tuple[str, str, str, str]]:
    return re.findall(r'<(circle|text) class="(tl-[a-z]+)"[^>]*? (?:cx|x)="([\d.-]+)" (?:cy|y)="([\d.-]+)"', svg)


def test_series_tiers_and_a_meeting_s_neighbours(real_site, browser) -> None:  # noqa: F811
    """Issue 18.3: /series draws the plenaries and the working meetings in two rows (the script redraws the
    server's picture with the same geometry); a working meeting leads to its page, whose previous-meeting link
    leads to a page whose next-meeting link leads back, and whose stated link leads to the plenary it follows up
    or prepared.  Which meetings there are comes from the page and the store, not from fixed counts."""
    # the last working meeting with a stated link to a plenary and a meeting before it in its series
    meeting = "/" + _first(real_site, (
        "SELECT ?x WHERE { ?x gba:partOfSeries ?series ; gba:ordinal ?n ; gba:preparesMeeting|gba:followsUpMeeting ?p "
        ". ?series gba:subSeriesOf ?conference FILTER EXISTS { ?e gba:partOfSeries ?series ; gba:ordinal ?k "
        "FILTER(?k < ?n) } } ORDER BY DESC(?n) LIMIT 1"))
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(real_site.url + "series")
        svg = page.locator("svg.timeline[data-drawn=script]")
        svg.wait_for()
        bands = svg.locator("g.tl-band")
        assert bands.count() == 2
        headings = bands.locator("text.tl-heading").all_text_contents()
        assert headings[0].startswith("Plenaries (") and headings[1].startswith("Working Meetings ("), headings
        for i, heading in enumerate(headings):  # each row has as many dots as its heading says
            assert heading.endswith(f"({bands.nth(i).locator('circle.tl-dot').count()})"), heading
        assert bands.nth(1).locator("circle.tl-dot").count() == page.locator("tr.tier-working-meeting").count() > 0
        served = requests.get(real_site.url + "series", timeout=30).text
        script = page.evaluate("""() => GbaTimeline.render(JSON.parse(document.querySelector('svg.timeline')
            .getAttribute('data-items')), {width: 760}).outerHTML""")
        server_shapes, script_shapes = _svg_shapes(served[served.index("<svg"):served.index("</svg>")]), _svg_shapes(script)
        assert len(server_shapes) == len(script_shapes) > 10
        for (tag, cls, x, y), (tag2, cls2, x2, y2) in zip(server_shapes, script_shapes, strict=True):
            assert (tag, cls) == (tag2, cls2) and abs(float(x) - float(x2)) < 0.01 and float(y) == float(y2)

        item = bands.nth(1).locator(f'a.tl-item[href="{meeting}"]')
        item.scroll_into_view_if_needed()
        item.click()
        page.wait_for_url("**" + meeting)
        nav = page.locator("nav.meeting-nav")
        previous = nav.locator('a[rel="prev"]')
        name = previous.inner_text()
        previous.click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text().startswith(name), (name, page.url)
        page.locator('nav.meeting-nav a[rel="next"]').click()
        page.wait_for_url("**" + meeting)
        link = page.locator("nav.meeting-nav .link-stated a").first
        plenary = link.inner_text()
        assert "Plenary" in plenary, plenary
        link.click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text().startswith(plenary), (plenary, page.url)
        back = page.locator(f'nav.meeting-nav .link-stated a[href="{meeting}"]')
        assert back.count() == 1  # the plenary's page names the working meeting that prepared or followed it up
    finally:
        page.close()
    assert errors == []
