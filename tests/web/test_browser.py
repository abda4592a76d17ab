"""The query page of `gbagraph serve` (gunicorn, in a subprocess) driven in headless Chromium: open it,
pick an example, run it, see the rows; follow a result link to a resource page; a syntax error is shown clearly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tooling import missing

from .conftest import _real_root, free_port, start, stop, wait_until_up

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@dataclass
class Site:
    url: str
    root: Path


def _site(root: Path) -> Iterator[Site]:
    """``gbagraph serve`` (gunicorn) in a subprocess, with its own address as base IRI."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start(root, port)
    try:
        wait_until_up(url + "sparql", proc, seconds=120)
        yield Site(url, root)
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def mini_site(mini_root) -> Iterator[Site]:
    yield from _site(mini_root)


@pytest.fixture(scope="module", params=["mini", "real"])
def any_site(request, mini_root) -> Iterator[Site]:
    root = mini_root if request.param == "mini" else _real_root()
    yield from _site(root)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        missing("no /usr/bin/chromium (apt-get install chromium)")
    try:
        from playwright import sync_api
    except ImportError:
        missing("playwright is not installed (pip install -e '.[browser]')")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    yield pg
    context.close()
    assert errors == []


def test_pick_example_run_see_rows(mini_site, page):
    page.goto(mini_site.url)
    page.get_by_role("button", name="Which officials are in the graph, with their labels?").click()
    assert "gba:Official" in page.locator("#query").input_value()
    assert page.locator("#highlight .tok-keyword").first.inner_text() == "SELECT"
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector(".results-table tbody tr")
    rows = page.locator(".results-table tbody tr")
    assert rows.count() == 2
    assert page.locator(".results-table thead th").all_inner_texts() == ["?official", "?label"]
    assert "Ada Example" in rows.nth(0).inner_text()
    assert "2 rows" in page.locator("#status").inner_text()
    # the permalink holds the query, the IRIs link to the resource pages
    assert "query=" in page.url and "gba%3AOfficial" in page.locator("#permalink").get_attribute("href")
    link = rows.nth(0).locator("a").first
    assert link.get_attribute("href") == "/id/person/ada-example"
    link.click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Ada Example"


def test_permalink_runs_query(mini_site, page):
    page.goto(mini_site.url + "?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20a%20gba%3AOfficial%20%7D")
    page.wait_for_selector(".results-table tbody tr")
    assert page.locator(".results-table tbody tr").count() == 2


def test_syntax_error_is_shown(mini_site, page):
    page.goto(mini_site.url)
    page.locator("#query").fill("SELECT * WHERE {\n  ?s ?p\n}")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#error:not([hidden])")
    text = page.locator("#error").inner_text()
    assert "line 3" in text and "column" in text
    assert "error 400" in page.locator("#status").inner_text()


def test_construct_and_download_links(mini_site, page):
    page.goto(mini_site.url)
    page.locator("#query").fill("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("pre.graph")
    assert "@prefix" in page.locator("pre.graph").inner_text()
    href = page.locator("#download-csv").get_attribute("href")
    assert href.startswith("/sparql?query=") and "format=csv" in href


def test_real_data_examples_run(any_site, page):
    """Every local (non-federated) example of the served graph runs without an error in the page."""
    page.goto(any_site.url)
    buttons = page.locator("button.example")
    ran = 0
    for i in range(buttons.count()):
        button = buttons.nth(i)
        if (button.get_attribute("data-name") or "").startswith("federated/"):
            continue
        ran += 1
        button.click()
        page.get_by_role("button", name="Run").click()
        page.wait_for_function("!document.querySelector('#status').textContent.includes('running')")
        assert page.locator("#error").is_hidden(), page.locator("#error").inner_text()
    assert ran == len(list(any_site.root.joinpath("queries").glob("*.rq"))) > 0  # every top-level example ran
