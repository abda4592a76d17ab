"""The query page as HTML: examples with their titles, the prefixes, no resources from elsewhere (it works
offline), static files served."""

from __future__ import annotations

import html
import re

import requests

from gbagraph.examples import read_examples

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def page(server, path="", **params) -> str:
    r = requests.get(server.url + path, params=params, headers={"Accept": BROWSER_ACCEPT}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    return r.text


def test_examples_are_listed(mini_server):
    html = page(mini_server)
    assert "Which officials are in the graph, with their labels?" in html
    assert ">How many things of each class?</button>" in html  # the first comment line is the title
    assert 'title="(a second comment line)"' in html  # further lines are the tooltip


def test_real_examples_are_listed(server):
    text = html.unescape(page(server))
    for example in server.examples:
        assert example.title in text and f"{example.name}.rq" in text


def test_prefixes_shown(server):
    html = page(server)
    assert f"{server.base}def/" in html and ">gba:<" in html


def test_permalink_prefills(server):
    html = page(server, query="ASK { ?s <urn:x> 1 }")
    assert "ASK { ?s &lt;urn:x&gt; 1 }" in html
    assert '"autorun": true' in html


def test_nothing_from_elsewhere(server):
    """No CDN: every script, stylesheet and image is served by this server."""
    html = page(server)
    for attr in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not attr.startswith(("http://", "https://", "//")), attr
    for path in ("static/query.js", "static/style.css", "static/timeline.js", "static/graphview.js"):
        r = requests.get(server.url + path, timeout=30)
        text = r.text.replace("https?:", "").replace('"http://www.w3.org/2000/svg"', "")  # a namespace name, not fetched
        text = re.sub(r"LABELS = \[[^\]]*\]", "", text)  # the label properties' names (graphview.js), not fetched
        assert r.status_code == 200 and "http" not in text


def test_example_titles(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.rq").write_text("# Who?\n#\n# And where?\nSELECT * {}\n", encoding="utf-8")
    (tmp_path / "sub" / "b.rq").write_text("SELECT * {}\n", encoding="utf-8")
    examples = read_examples(tmp_path)
    assert [(e.name, e.title, e.description) for e in examples] == [("a", "Who?", "And where?"),
                                                                     ("sub/b", "sub/b", "")]
    assert read_examples(tmp_path / "missing") == []


def test_error_page_html(server):
    r = requests.get(server.url + "id/nothing/here", headers={"Accept": BROWSER_ACCEPT}, timeout=30)
    assert r.status_code == 404 and "<h1>404 Not found</h1>" in r.text


FEDERATED = ("# Labels from Wikidata\nSELECT ?x ?l WHERE { ?x a gba:Official "
             "SERVICE <https://query.wikidata.org/sparql> { ?x rdfs:label ?l } }\n")


def _example_items(text: str) -> dict[str, str]:
    """Each example's <li> by its file name."""
    return {m.group(1): m.group(0) for m in re.finditer(r'<li[^>]*><button [^>]*data-name="([^"]+)".*?</li>', text,
                                                         flags=re.S)}


def test_federated_examples_marked_with_the_setting(mini_root, tmp_path):
    """A SERVICE example that this server may not run is shown as such, with the setting that enables it; on a
    server that allows the endpoint it is an ordinary example."""
    import shutil

    from gbagraph import settings
    from gbagraph.web import create_app

    from .conftest import run_server, stop_server

    root = tmp_path / "root"
    shutil.copytree(mini_root, root)
    (root / "queries" / "federated").mkdir()
    (root / "queries" / "federated" / "labels.rq").write_text(FEDERATED, encoding="utf-8")
    for allow, marked in (((), True), (("https://query.wikidata.org/sparql",), False)):
        app = create_app(settings(root=root, service_allowlist=allow, query_workers=0))
        url, srv, thread = run_server(app)
        try:
            r = requests.get(url, headers={"Accept": BROWSER_ACCEPT}, timeout=30)
        finally:
            stop_server(app, srv, thread)
        items = _example_items(r.text)
        assert set(items) == {"01-officials", "02-classes", "federated/labels"}
        assert ('class="needs-service"' in items["federated/labels"]) is marked
        if marked:
            note = html.unescape(re.sub(r"<[^>]+>|\s+", " ", items["federated/labels"]))
            assert "cannot run on this server" in note
            assert "GBAGRAPH_SERVICE_ALLOWLIST=https://query.wikidata.org/sparql" in " ".join(note.split())
        assert all("needs-service" not in items[name] for name in ("01-officials", "02-classes"))


HOSTILE_VALUES = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "plain"]


def test_page_csv_download_neutralises_formulas(server):
    """Issue 19, item 10: the page's CSV download prefixes a ' to values a spreadsheet would run (OWASP);
    numbers typed as numbers stay numbers; /sparql's text/csv keeps the values as the SPARQL CSV format says."""
    values = " ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'
                      for v in HOSTILE_VALUES)
    query = f"SELECT ?v ?n WHERE {{ VALUES ?v {{ {values} }} BIND(-5 AS ?n) }}"
    r = requests.get(server.url + "query.csv", params={"query": query}, headers={"Accept": BROWSER_ACCEPT},
                     timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    import csv
    import io

    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["v", "n"]
    assert [row[0] for row in rows[1:]] == ["'" + v for v in HOSTILE_VALUES[:5]] + ["plain"]
    assert {row[1] for row in rows[1:]} == {"-5"}  # a number, not a formula
    raw = requests.get(server.sparql, params={"query": query, "format": "csv"}, timeout=30)
    protocol = [row[0] for row in csv.reader(io.StringIO(raw.text))][1:]
    assert protocol == HOSTILE_VALUES  # the protocol's CSV is the data as they are
    assert requests.get(server.url + "query.csv", params={"query": "ASK {}"}, timeout=30).status_code == 400
    assert requests.get(server.url + "query.csv", params={"query": "SELEC"}, timeout=30).status_code == 400
