"""The pages around the query editor: the completion vocabulary, the search box, the series page (drawn on
the server, without JavaScript) and the readable partitions of the dataset page."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from series_fixture import write_long_series_root, write_series_root

from gbagraph import settings
from gbagraph.web import create_app

from .conftest import Server, run_server, stop_server

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def series_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    app = create_app(settings(root=write_series_root(tmp_path_factory.mktemp("series"))))
    url, srv, thread = run_server(app)
    yield Server(url, app.extensions["gbagraph"].prepared, "series", [])
    stop_server(app, srv, thread)


def get(server: Server, path: str, **params) -> requests.Response:
    return requests.get(server.url + path, params=params, headers=HTML, timeout=30, allow_redirects=False)


def test_vocabulary_for_completion(server):
    r = requests.get(server.url + "vocabulary.json", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    data = r.json()
    terms = {t["name"]: t["kind"] for t in data["terms"]}
    assert data["prefixes"]["gba"] == server.base + "def/"
    assert terms["gba:Official" if server.name == "mini" else "gba:Meeting"] == "class"
    assert terms["rdfs:label"] == "property"
    if server.name == "real":
        assert {"skos:prefLabel", "skos:altLabel", "gba:coChair"} <= set(terms)


def test_search_box_on_every_page(server):
    for path in ("", "dumps", "series", ".well-known/void", "search"):
        page = get(server, path).text
        assert '<form class="search" action="/search"' in page and 'name="q"' in page, path


def test_search_one_match_goes_to_the_resource(mini_server):
    r = get(mini_server, "search", q="ADA ex")
    assert r.status_code == 303 and r.headers["Location"].endswith("/id/person/ada-example")


def test_search_several_matches_list(mini_server):
    r = get(mini_server, "search", q="example")
    assert r.status_code == 200
    links = re.findall(r'<li><span class="kind">([^<]+)</span> <a href="([^"]+)">([^<]+)</a>', r.text)
    assert links == [("Official", "/id/person/ada-example", "Ada Example"),  # with the kind of thing each is
                     ("Official", "/id/person/bo-example", "Bo Example")]
    assert "No resource" in get(mini_server, "search", q="no such name").text
    assert get(mini_server, "search").status_code == 200


def test_search_chinese_labels(series_server):
    r = get(series_server, "search", q="主席")
    assert r.status_code == 303 and r.headers["Location"].endswith("/id/person/ada-chair")
    r = get(series_server, "search", q="广州")
    assert r.status_code == 303 and r.headers["Location"].endswith("/id/place/guangzhou")


def test_series_page_without_javascript(series_server):
    r = get(series_server, "series")
    assert r.status_code == 200
    page = r.text
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count('class="tl-dot"') == 3 and svg.count('class="tl-previous"') == 1
    assert re.findall(r'<a class="tl-item" href="([^"]+)"', svg) == [
        "/id/meeting/plenary-6", "/id/meeting/plenary-7", "/id/meeting/plenary-24"]
    text = html.unescape(page)
    assert "2003-08-05 · 6th Plenary" in text and "Hong Kong · co-chairs: Ada Chair and Bo Chair" in text
    assert "place not stated · co-chairs: not stated" in text  # the 7th: neither stated
    assert "announced for 2021-03-10" in text
    assert "Bo Chair</a> <span class=\"note\">(Governor)</span>" in page
    assert 'href="https://example.org/release-a"' in page and 'href="https://example.org/release-b"' in page
    assert '<a href="/series">Series</a>' in page


def test_series_page_real_data(server):
    page = get(server, "series").text
    if server.name == "real":
        assert "/id/meeting/hk-gd-joint-conference-plenary-23" in page
        assert page.count('class="tl-dot"') >= 1 and "John Lee" in page
    else:  # no meetings: an empty picture, no error
        assert "0 meetings" in page and page.count('class="tl-dot"') == 0


def test_meeting_page_lists_its_source_documents(series_server):
    page = get(series_server, "id/meeting/plenary-24").text
    section = page[page.index("<h2>Source documents</h2>"):]
    assert "Release B on a rescheduled plenary" in section and 'href="https://example.org/release-b"' in section


def test_dataset_page_partitions_readable(server):
    page = get(server, ".well-known/void").text
    assert "#class-" not in page and "#property-" not in page
    classes = page[page.index('class="partitions class-partitions"'):]
    classes = classes[:classes.index("</table>")]
    rows = dict(re.findall(r'title="([^"]+)">[^<]+</a>.*?<td class="num">([\d,]+)</td>', classes))
    official = server.base + "def/Official"
    expected = server.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{official}> }}")[0]["n"]["value"]
    if server.name == "mini":
        assert rows[official] == expected == "2"
    assert 'class="partitions property-partitions"' in page


def test_series_page_with_24_meetings(tmp_path):
    app = create_app(settings(root=write_long_series_root(tmp_path)))
    page = app.test_client().get("/series", headers=HTML).get_data(as_text=True)
    svg = page[page.index("<svg"):page.index("</svg>")]
    hrefs = re.findall(r'<a class="tl-item" href="/id/meeting/plenary-(\d+)"', svg)
    assert hrefs == [str(n) for n in range(1, 25)]  # in date order, one row each
    ys = [int(y) for y in re.findall(r'<circle class="tl-dot" cx="[\d.]+" cy="(\d+)"', svg)]
    assert len(set(ys)) == 24 and ys == sorted(ys)
    xs = [float(x) for x in re.findall(r'<circle class="tl-dot" cx="([\d.]+)"', svg)]
    assert xs == sorted(xs) and 0 < xs[0] < xs[-1] < 760
    assert re.findall(r'<text class="tl-year"[^>]*>(\d+)</text>', svg)[:2] == ["1995", "2000"]
    assert len(re.findall(r'<text class="tl-detail"[^>]*>place not stated', svg)) == 6  # plenaries 4, 8, …, 24
    assert html.unescape(page).count("The long series") == 24


HOSTILE = "javascript:alert(document.domain)"
REPO_SHAPES = Path(__file__).resolve().parents[2] / "ontology" / "shapes.ttl"


def _hostile_root(folder: Path) -> Path:
    """The series project with the original address of release A replaced by a javascript: IRI."""
    root = write_series_root(folder)
    source = root / "data" / "series-a" / "source.ttl"
    source.write_text(source.read_text(encoding="utf-8").replace("<https://example.org/release-a>", f"<{HOSTILE}>"),
                      encoding="utf-8")
    return root


def test_javascript_urls_never_become_links(tmp_path):
    """Issue 19, item 7: a javascript: value in a data file (the fixture's shapes do not forbid it) is never an
    href — on /series (table and timeline) and on the pages of the document, the meeting and a person."""
    app = create_app(settings(root=_hostile_root(tmp_path), query_workers=0))
    url, srv, thread = run_server(app)
    try:
        pages = {path: requests.get(url + path, headers=HTML, timeout=30) for path in (
            "series", "id/source/series-a", "id/meeting/plenary-6", "id/person/ada-chair", "search?q=release")}
    finally:
        stop_server(app, srv, thread)
    assert all(r.status_code == 200 for r in pages.values()), {p: r.status_code for p, r in pages.items()}
    assert HOSTILE in html.unescape(pages["series"].text)  # the value is there, shown as text...
    for path, r in pages.items():
        text = html.unescape(r.text)
        hrefs = re.findall(r'\shref="([^"]*)"', text)
        assert hrefs and all(h.startswith(("/", "http://", "https://")) and not h.startswith("//") for h in hrefs), \
            (path, [h for h in hrefs if not h.startswith(("/", "http"))])  # ...but never a link
        assert '"href": "javascript' not in text  # nor in the timeline's data for the script


def test_every_template_href_goes_through_the_policy():
    """No template writes an href itself: each goes through the ``href`` filter (web/links.py)."""
    folder = Path(__file__).resolve().parents[2] / "src" / "gbagraph" / "web" / "templates"
    for template in folder.glob("*.html"):
        raw = re.findall(r"href=", template.read_text(encoding="utf-8"))
        assert raw == [], template.name


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://example.org/a", True), ("http://example.org", True), ("/id/person/x", True), ("/", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), (" javascript:alert(1)", False),
    ("java\tscript:alert(1)", False), ("data:text/html,x", False), ("//evil.example/x", False),
    ("/\\evil.example", False), ("https:evil", False), ("file:///etc/passwd", False), ("", False), (None, False)])
def test_link_policy(url, allowed):
    from gbagraph.web.links import safe_href

    assert (safe_href(url) is not None) is allowed


def test_shape_refuses_web_addresses_that_are_not_http(tmp_path):
    """The project's web-address shape (its block of ontology/shapes.ttl), added to the fixture's shapes: the
    javascript: address is refused at start, naming the property; http(s) addresses pass."""
    from gbagraph import prepare
    from gbagraph.errors import ShapeViolation

    block = REPO_SHAPES.read_text(encoding="utf-8")
    block = block[block.index("gbash:WebAddressShape"):]
    prefixes = "".join(line + "\n" for line in REPO_SHAPES.read_text(encoding="utf-8").splitlines()
                       if line.startswith("@prefix"))
    roots = {"hostile": _hostile_root(tmp_path / "hostile"), "plain": write_series_root(tmp_path / "plain")}
    for root in roots.values():
        shapes = root / "ontology" / "shapes.ttl"
        shapes.write_text(prefixes + shapes.read_text(encoding="utf-8") + "\n" + block, encoding="utf-8")
    prepare(settings(root=roots["plain"], infer=False))
    with pytest.raises(ShapeViolation) as refused:
        prepare(settings(root=roots["hostile"], infer=False))
    assert "schema:url must be an http(s) web address" in refused.value.report


def test_void_page_title(server):
    """The real dataset's label is "gbagraph": its page is not titled "gbagraph · gbagraph"."""
    r = requests.get(server.url + ".well-known/void", headers=HTML, timeout=30)
    title = re.search(r"<title>(.*?)</title>", r.text, flags=re.S).group(1)
    assert r.status_code == 200 and html.unescape(title) != "gbagraph · gbagraph", title
    assert title.endswith(" · gbagraph")
