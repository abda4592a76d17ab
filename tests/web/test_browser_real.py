"""Pages of the project's own data in headless Chromium.  The search box finds the 23rd Plenary however it is
named (issue 20.4).  Every page readable on a phone (issue 20.3): at 390 px and at 1280 px no page type scrolls sideways (a
wide table scrolls inside its own box).  Screenshots of the query page, a person page and /series at both
widths are saved as artefacts under test-artifacts/screenshots/ (gitignored), for people to look at."""

from __future__ import annotations

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
            "search": "search?q=plenary", "void": ".well-known/void", "ontology": "def/gba"}


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
