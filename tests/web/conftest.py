"""A real HTTP server on 127.0.0.1 for the web tests: the mini fixture always, the project's own data too when it
is there (and prepares cleanly)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from gbagraph import Prepared, prepare, settings
from gbagraph.errors import GbagraphError
from gbagraph.web import create_app
from gbagraph.web.state import Example

REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "tests" / "fixtures" / "mini"

EXAMPLES = {
    "01-officials.rq": "# Which officials are in the graph, with their labels?\n"
                       "SELECT ?official ?label WHERE { ?official a gba:Official ; rdfs:label ?label }\n"
                       "ORDER BY ?label\n",
    "02-classes.rq": "# How many things of each class?\n# (a second comment line)\n"
                     "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)\n",
}


@dataclass
class Server:
    """A running server: its root URL and what it serves."""

    url: str
    prepared: Prepared
    name: str
    examples: list[Example]

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    @property
    def base(self) -> str:
        return self.prepared.settings.base_iri

    def select(self, query: str) -> list[dict]:
        """Bindings of a SELECT run through the endpoint."""
        r = requests.get(self.sparql, params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                         timeout=30)
        r.raise_for_status()
        return r.json()["results"]["bindings"]

    def some_resource(self) -> str:
        """An IRI under ``{base}id/`` that is the subject of a typed triple."""
        rows = self.select(f'SELECT ?s WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), "{self.base}id/")) }} '
                           "ORDER BY ?s LIMIT 1")
        return rows[0]["s"]["value"]


@pytest.fixture(scope="session")
def mini_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture with a queries/ folder of examples."""
    root = tmp_path_factory.mktemp("mini") / "root"
    shutil.copytree(MINI, root)
    (root / "queries").mkdir(exist_ok=True)
    for name, text in EXAMPLES.items():
        (root / "queries" / name).write_text(text, encoding="utf-8")
    return root


def _real_root() -> Path | None:
    has_data = any((REPO / "data").glob("*/*.ttl")) if (REPO / "data").is_dir() else False
    has_onto = any((REPO / "ontology").glob("*.ttl")) if (REPO / "ontology").is_dir() else False
    return REPO if has_data and has_onto else None


def run_server(app) -> tuple[str, object, threading.Thread]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}/", server, thread


@pytest.fixture(scope="session", params=["mini", "real"])
def server(request: pytest.FixtureRequest, mini_root: Path) -> Iterator[Server]:
    """The app on a free port (werkzeug's server in a thread), for the mini fixture and the real data."""
    if request.param == "mini":
        root = mini_root
    else:
        root = _real_root()
        if root is None:
            pytest.skip("no project data yet (data/, ontology/)")
    try:
        prepared = prepare(settings(root=root))
    except GbagraphError as exc:
        if request.param == "mini":
            raise
        pytest.skip(f"the project data does not prepare: {exc}")
    app = create_app(prepared=prepared)
    url, srv, thread = run_server(app)
    yield Server(url, app.extensions["gbagraph"].prepared, request.param, app.extensions["gbagraph"].examples)
    srv.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def mini_server(mini_root: Path) -> Iterator[Server]:
    """The mini fixture only (tests that need known content)."""
    app = create_app(settings(root=mini_root))
    url, srv, thread = run_server(app)
    yield Server(url, app.extensions["gbagraph"].prepared, "mini", app.extensions["gbagraph"].examples)
    srv.shutdown()
    thread.join(5)
