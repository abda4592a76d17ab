"""The query page of `gbagraph serve` (gunicorn, in a subprocess) driven in headless Chromium: open it,
pick an example, run it, see the rows; follow a result link to a resource page; a syntax error is shown clearly."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from series_fixture import write_series_root
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
    aborted: list[str] = []  # requests the page aborted on purpose (Cancel, a new run): tests check them

    def failed(req) -> None:
        (aborted if req.failure == "net::ERR_ABORTED" else errors).append(f"request failed: {req.url}")

    pg.on("requestfailed", failed)
    pg.aborted = aborted
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
    # marked in the editor: the gutter's line 3, and a mark in the text of line 3
    assert page.locator(".gutter-lines .ln.error").all_inner_texts() == ["3"]
    mark_line = page.evaluate("""() => {
        const mark = document.querySelector('#highlight .tok-error');
        const range = document.createRange();
        range.setStart(document.getElementById('highlight'), 0);
        range.setEndBefore(mark);
        return range.toString().split('\\n').length; }""")
    assert mark_line == 3 and page.locator("#highlight .tok-error").inner_text() == "}"  # line 3, column 1
    page.locator("#query").press("End")
    page.keyboard.type(" ")  # editing clears the marks
    assert page.locator(".gutter-lines .ln.error").count() == 0 and page.locator("#highlight .tok-error").count() == 0


def test_error_position_from_json_body(mini_site, page):
    """The contract with the server: a JSON error body's integer "line" and "column" place the mark."""
    page.goto(mini_site.url)
    page.route("**/sparql", lambda route: route.fulfill(
        status=400, content_type="application/json",
        body='{"status": 400, "message": "something is wrong here", "line": 2, "column": 3}'))
    page.locator("#query").fill("SELECT *\nWHERE { ?s ?p ?o }")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector(".gutter-lines .ln.error")
    assert page.locator(".gutter-lines .ln.error").inner_text() == "2"
    assert page.locator("#highlight .tok-error").inner_text() == "E"  # "WHERE", column 3
    assert "something is wrong here" in page.locator("#error").inner_text()


GRAPH_TYPES = {"turtle": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
RESULT_TYPES = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json"}


@pytest.mark.parametrize("query, expected", [
    ("SELECT ?s WHERE { ?s a gba:Official }", RESULT_TYPES),
    ("ASK { ?s a gba:Official }", {"json": RESULT_TYPES["json"]}),
    ("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3", GRAPH_TYPES),
    ("# a comment naming SELECT\nDESCRIBE <https://w3id.org/gbagraph/id/person/ada-example>", GRAPH_TYPES),
])
def test_downloads_for_each_query_form(mini_site, page, query, expected):
    page.goto(mini_site.url)
    page.locator("#query").fill(query)
    links = page.locator("#downloads a")
    ids = [links.nth(i).get_attribute("id") for i in range(links.count())]
    assert ids == [f"download-{name}" for name in expected]
    for name, media_type in expected.items():
        href = page.locator(f"#download-{name}").get_attribute("href")
        r = requests.get(mini_site.url.rstrip("/") + href, timeout=30)
        assert r.status_code == 200, (name, r.text)
        assert r.headers["Content-Type"].split(";")[0] == media_type
        assert "attachment" in r.headers.get("Content-Disposition", "")


def test_construct_shows_only_the_prefixes_it_uses(mini_site, page):
    page.goto(mini_site.url)
    page.locator("#query").fill("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3")
    page.get_by_role("button", name="Run").click()
    page.locator("#view-turtle").click()
    page.wait_for_function("document.querySelector('pre.graph') && "
                           "document.querySelector('pre.graph').textContent.includes('@prefix')")
    text = page.locator("pre.graph").inner_text()
    declared = re.findall(r"^@prefix (\w*):", text, flags=re.M)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix"))
    assert declared and all(re.search(rf"(^|[\s;,(\[^]){p}:", body) for p in declared), declared
    assert len(declared) < 6  # not the ~25 of the server's serialisation
    full = requests.post(mini_site.url + "sparql", data={"query": "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3"},
                         headers={"Accept": "text/turtle"}, timeout=30).text
    assert full.count("@prefix") > len(declared)


def test_editor_line_numbers_brackets_and_resize(mini_site, page):
    page.goto(mini_site.url)
    query = page.locator("#query")
    query.fill("SELECT *\nWHERE {\n  ?s ?p ?o\n}")
    assert page.locator(".gutter-lines .ln").all_inner_texts() == ["1", "2", "3", "4"]
    assert page.locator(".gutter-lines").is_visible()
    # the caret after "{" highlights it and its partner on line 4
    page.evaluate("() => { const t = document.getElementById('query'); t.focus(); t.setSelectionRange(16, 16); }")
    query.press("ArrowRight")
    query.press("ArrowLeft")
    assert page.locator("#highlight .bracket-match").all_inner_texts() == ["{", "}"]
    page.evaluate("() => { const t = document.getElementById('query'); t.setSelectionRange(3, 3); }")
    query.press("ArrowRight")
    assert page.locator("#highlight .bracket-match").count() == 0
    # a resizable box: drag its corner down
    editor = page.locator("#editor")
    assert editor.evaluate("e => getComputedStyle(e).resize") == "vertical"
    box = editor.bounding_box()
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + box["height"] - 3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + box["height"] + 150, steps=5)
    page.mouse.up()
    assert editor.bounding_box()["height"] > box["height"] + 100


def test_completion_of_terms_prefixes_and_variables(any_site, page):
    vocab = requests.get(any_site.url + "vocabulary.json", timeout=30).json()
    prefix = "skos:" if any(t["name"].startswith("skos:") for t in vocab["terms"]) else "rdfs:"
    expected = [t["name"] for t in vocab["terms"] if t["name"].startswith(prefix)]
    assert any_site.root != _real_root() or prefix == "skos:"  # the real data use SKOS
    page.goto(any_site.url)
    page.wait_for_selector("#editor[data-vocabulary=loaded]")
    query = page.locator("#query")
    query.fill("SELECT ?official WHERE { ?official rdfs:label ?label ; ")
    query.press("End")
    page.keyboard.type(prefix)
    page.keyboard.press("Escape")  # close what opened while typing; Ctrl+Space opens it again
    names = completions(page, "")
    assert names == expected and (prefix == "rdfs:" or "skos:prefLabel" in names)
    page.keyboard.press("Escape")
    assert page.locator("#completion").is_hidden()
    for _ in prefix:
        page.keyboard.press("Backspace")
    page.keyboard.press("Escape")
    # while typing after "rdfs:" the list opens by itself and narrows
    page.keyboard.type("rdfs:lab")
    page.wait_for_selector("#completion:not([hidden]) li")
    assert page.locator("#completion li .name").all_inner_texts() == ["rdfs:label"]
    page.keyboard.press("Enter")
    assert query.input_value().endswith("; rdfs:label")
    assert completions(page, " ?la") == ["?label"]  # variables already in the query
    page.keyboard.press("Tab")
    assert query.input_value().endswith("rdfs:label ?label")
    assert completions(page, " gb")[0] == "gba:"  # prefixes


def completions(page, typed: str) -> list[str]:
    """Type ``typed`` in the editor, press Ctrl+Space and read the offered completions."""
    page.keyboard.type(typed)
    page.keyboard.press("Control+Space")
    page.wait_for_selector("#completion:not([hidden]) li")
    return page.locator("#completion li .name").all_inner_texts()


def test_tab_indents_and_esc_releases_it(mini_site, page):
    page.goto(mini_site.url)
    query = page.locator("#query")
    query.fill("SELECT")
    query.press("Home")
    page.keyboard.press("Tab")
    assert query.input_value() == "  SELECT"
    assert page.evaluate("document.activeElement.id") == "query"
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "run"
    assert query.input_value() == "  SELECT"
    assert "Esc" in page.locator("#keys").inner_text() and "Tab" in page.locator("#keys").inner_text()


def test_example_loads_scrolled_to_the_top(any_site, page):
    page.goto(any_site.url)
    query = page.locator("#query")
    query.fill("\n".join(f"# line {i}" for i in range(200)))
    query.press("Control+End")
    assert query.evaluate("t => t.scrollTop") > 0
    page.locator("button.example").last.click()
    assert query.evaluate("t => [t.scrollTop, t.selectionStart]") == [0, 0]
    gutter = page.evaluate("getComputedStyle(document.getElementById('gutter-lines')).transform")
    assert gutter in ("none", "matrix(1, 0, 0, 1, 0, 0)")  # line numbers scrolled to the top too
    first_line = query.input_value().splitlines()[0]
    assert page.locator("#highlight").inner_text().splitlines()[0] == first_line


def values_query(n: int) -> str:
    return "SELECT ?n ?label WHERE { VALUES ?n { " + " ".join(str(i) for i in range(n)) + \
        ' } BIND(CONCAT("row ", STR(?n)) AS ?label) }'


def test_sorting_and_paging(mini_site, page):
    page.goto(mini_site.url)
    page.locator("#query").fill(values_query(5000))
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector(".results-table tbody tr")
    assert "5000 rows" in page.locator("#status").inner_text()
    assert page.locator(".results-table tbody tr").count() == 100  # not 5,000 at once
    assert "rows 1–100 of 5000" in page.locator("#page-info").inner_text()
    page.locator("#page-next").click()
    assert page.locator(".results-table tbody tr").first.locator("td").first.inner_text() == "100"
    assert page.locator(".results-table tbody tr").count() == 100
    # sort by ?n: numbers compare as numbers; a second click reverses
    page.locator(".results-table th button", has_text="?n").click()
    first = page.locator(".results-table tbody tr td:first-child")
    assert first.nth(0).inner_text() == "0" and first.nth(1).inner_text() == "1"
    assert page.locator(".results-table th").first.get_attribute("aria-sort") == "ascending"
    page.locator(".results-table th button", has_text="?n").click()
    assert first.nth(0).inner_text() == "4999" and first.nth(1).inner_text() == "4998"
    # by ?label: text order ("row 10" before "row 2" is not numeric-aware; ours is)
    page.locator(".results-table th button", has_text="?label").click()
    assert first.nth(0).inner_text() == "0" and first.nth(2).inner_text() == "2"
    page.locator("#view-chart").click()  # a chart of 5,000 bars would say nothing: the first 50, said so
    assert page.locator("svg.bar-chart rect.bar").count() == 50
    assert "The first 50 of 5000 rows" in page.locator("#view-area").inner_text()


def test_sorting_changes_row_order(mini_site, page):
    page.goto(mini_site.url)
    page.locator("#query").fill("SELECT ?label WHERE { ?o a gba:Official ; rdfs:label ?label } ORDER BY ?label")
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector(".results-table tbody tr")
    cells = page.locator(".results-table tbody td")
    assert cells.all_inner_texts()[0].startswith("Ada")
    page.locator(".results-table th button").click()
    page.locator(".results-table th button").click()  # descending
    assert cells.all_inner_texts()[0].startswith("Bo")


@pytest.mark.parametrize("query, answer", [("ASK { ?s a gba:Official }", "yes"),
                                           ("ASK { ?s a gba:Nothing }", "no")])
def test_ask_badge(mini_site, page, query, answer):
    page.goto(mini_site.url)
    page.locator("#query").fill(query)
    page.get_by_role("button", name="Run").click()
    badge = page.locator(f".ask-badge.{answer}")
    badge.wait_for()
    assert answer.capitalize() in badge.inner_text()
    assert f"ASK: {answer}" in page.locator("#status").inner_text()


def test_bar_chart_view(mini_site, page):
    page.goto(mini_site.url)
    page.get_by_role("button", name="How many things of each class?").click()
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector(".results-table tbody tr")
    rows = page.locator(".results-table tbody tr").count()
    assert page.locator("#view-timeline").count() == 0  # no dates: no timeline view
    page.locator("#view-chart").click()
    chart = page.locator("svg.bar-chart")
    assert chart.locator("rect.bar").count() == rows > 0
    widths = [float(w) for w in chart.locator("rect.bar").evaluate_all("rs => rs.map(r => r.getAttribute('width'))")]
    assert widths == sorted(widths, reverse=True)  # ORDER BY DESC(?n): the longest bar first
    page.locator("#view-table").click()
    assert page.locator(".results-table").count() == 1


def test_timeline_view(mini_site, page):
    page.goto(mini_site.url)
    page.locator("#query").fill('SELECT ?what ?when WHERE { VALUES (?what ?when) { '
                                '("first" "2003-08-05"^^xsd:date) ("second" "2004"^^xsd:gYear) '
                                '("third" "2021-09-15T10:00:00"^^xsd:dateTime) } }')
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("#view-timeline")
    assert page.locator("#view-chart").count() == 0
    page.locator("#view-timeline").click()
    svg = page.locator("#results svg.timeline")
    assert svg.locator("circle.tl-dot").count() == 3
    labels = svg.locator("text.tl-label").all_text_contents()
    assert labels[0] == "2003-08-05 · first" and labels[1] == "2004 · second"
    xs = [float(x) for x in svg.locator("circle.tl-dot").evaluate_all("cs => cs.map(c => c.getAttribute('cx'))")]
    assert xs == sorted(xs) and xs[0] < xs[1] < xs[2]


def test_search_box(mini_site, page):
    page.goto(mini_site.url)
    box = page.get_by_role("searchbox", name="Find by name")
    box.fill("ada")
    box.press("Enter")
    page.wait_for_url("**/id/person/ada-example")
    assert page.locator("h1").inner_text() == "Ada Example"
    box = page.get_by_role("searchbox", name="Find by name")
    box.fill("example")
    box.press("Enter")
    page.wait_for_url("**/search?q=example")
    assert page.locator("ul.search-results li a").all_inner_texts() == ["Ada Example", "Bo Example"]


def test_real_data_examples_run(any_site, page):
    """Every local (non-federated) example of the served graph runs without an error in the page."""
    page.goto(any_site.url)
    buttons = page.locator("button.example")
    ran = 0
    for i in range(buttons.count()):
        button = buttons.nth(i)
        if (button.get_attribute("data-name") or "").startswith("federated/"):  # shown as such, not run
            assert "GBAGRAPH_SERVICE_ALLOWLIST=" in page.locator("li.needs-service .needs").nth(
                sum(1 for k in range(i) if (buttons.nth(k).get_attribute("data-name") or "").startswith("federated/"))
            ).inner_text()
            continue
        ran += 1
        button.click()
        page.get_by_role("button", name="Run").click()
        page.wait_for_function("!document.querySelector('#status').textContent.includes('running')")
        assert page.locator("#error").is_hidden(), page.locator("#error").inner_text()
    assert ran == len(list(any_site.root.joinpath("queries").glob("*.rq"))) > 0  # every top-level example ran


@pytest.fixture(scope="module")
def series_site(tmp_path_factory) -> Iterator[Site]:
    yield from _site(write_series_root(tmp_path_factory.mktemp("series")))


def test_series_page(series_site, page):
    page.goto(series_site.url)
    page.get_by_role("link", name="Series").click()
    svg = page.locator("svg.timeline")
    svg.wait_for()
    assert svg.get_attribute("data-drawn") == "script"  # the shared timeline component redrew the server's SVG
    assert svg.locator("circle.tl-dot").count() == 3 and svg.locator("circle.tl-previous").count() == 1
    assert svg.locator("text.tl-label").all_text_contents() == [
        "2003-08-05 · 6th Plenary", "2004 · 7th Plenary of the Joint Conference",
        "2021-09-15 · 24th Plenary of the Joint Conference"]
    assert "place not stated · co-chairs: not stated" in svg.locator("text.tl-detail").all_text_contents()
    # the server's drawing and the script's, at the same width, put every shape in the same place
    served = requests.get(series_site.url + "series", timeout=30).text
    served_svg = served[served.index("<svg"):served.index("</svg>")]
    server_shapes = re.findall(r'<(circle|text) class="(tl-[a-z]+)"[^>]*? (?:cx|x)="([\d.-]+)" (?:cy|y)="([\d.-]+)"',
                               served_svg)
    script_shapes = page.evaluate("""() => {
        const items = JSON.parse(document.querySelector('svg.timeline').getAttribute('data-items'));
        const svg = GbaTimeline.render(items, {width: 760});
        return [...svg.querySelectorAll('circle, text')].map(e => [e.tagName, e.getAttribute('class'),
            e.getAttribute(e.tagName === 'circle' ? 'cx' : 'x'), e.getAttribute(e.tagName === 'circle' ? 'cy' : 'y')]);
    }""")
    assert len(server_shapes) == len(script_shapes) > 6
    for (tag, cls, x, y), (tag2, cls2, x2, y2) in zip(server_shapes, script_shapes, strict=True):
        assert (tag, cls) == (tag2, cls2) and abs(float(x) - float(x2)) < 0.01 and float(y) == float(y2)
    svg.locator("a.tl-item").nth(2).click()
    page.wait_for_url("**/id/meeting/plenary-24")
    original = page.locator("ul.documents a.original")
    assert original.get_attribute("href") == "https://example.org/release-b"


def test_series_page_real_data(page):
    for site in _site(_real_root()):
        page.goto(site.url + "series")
        svg = page.locator("svg.timeline[data-drawn=script]")
        svg.wait_for()
        dots = svg.locator("circle.tl-dot").count()
        assert dots == page.locator(".series-table tbody tr").count() >= 1
        assert svg.locator("a.tl-item").first.get_attribute("href").startswith("/id/meeting/")
