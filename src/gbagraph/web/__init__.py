"""The web layer: SPARQL 1.1 Protocol endpoint, linked-data pages, dumps and the query page.

``create_app(settings, prepared)`` builds a Flask app around one prepared graph (loaded, validated and
inferred once, at creation); any WSGI server can host it.  ``gbagraph serve`` runs it under gunicorn.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

from ..config import Settings
from ..examples import read_examples
from ..pipeline import Prepared, prepare
from . import dumpfiles, dumps, errors, health, pages, sparql
from .cors import CORS_HEADERS
from .disconnect import WatchClient
from .dumpfiles import DumpCache, StoreDumps
from .fastpath import FastPath
from .response_cache import ResponseCache, dataset_hash
from .state import State

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["CORS_HEADERS", "create_app"]


def _last_modified(prepared: Prepared) -> datetime:
    """The newest modification time of the files the graph was read from (from the stamps the start took)."""
    newest = prepared.inputs.newest_mtime() if prepared.inputs is not None else None
    if newest is not None:
        return datetime.fromtimestamp(int(newest), UTC)
    paths = [p for files in prepared.bundle.sources.values() for p in files]
    paths.append(prepared.settings.shapes_file)
    times = [p.stat().st_mtime for p in paths if p.exists()]
    stamp = max(times) if times else datetime.now(UTC).timestamp()
    return datetime.fromtimestamp(int(stamp), UTC)


def _store_dumps(prepared: Prepared) -> StoreDumps | None:
    """Big graphs with a cache folder get their dumps written from the store (never through rdflib)."""
    bundle = prepared.bundle
    if bundle.store is None or prepared.dumps_folder is None:
        return None
    if sum(bundle.graph_counts().values()) < dumpfiles.STORE_DUMPS_FROM:
        return None
    return StoreDumps(bundle.store, bundle.base, prepared.dumps_folder)


def _response_cache(prepared: Prepared) -> ResponseCache | None:
    """The app's response cache (one per server process after a fork: each has its own copy).  None with a
    remote ``sparql_backend``: that store may change while we serve, so its answers are neither kept nor given
    ETags derived from our files."""
    settings = prepared.settings
    if settings.sparql_backend:
        return None
    return ResponseCache(dataset_hash(settings, prepared.inputs), max_bytes=max(0, settings.response_cache_mb) * 2**20)


class TrustedProxies:
    """WSGI middleware: believe ``X-Forwarded-For/-Proto/-Host/-Prefix`` only from the listed proxy addresses
    (Werkzeug's ``ProxyFix`` trusts whoever connects; here the deployer names who may)."""

    def __init__(self, app: WSGIApplication, trusted: tuple[str, ...]) -> None:
        self.direct = app
        self.proxied = ProxyFix(app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
        self.trusted = frozenset(trusted)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        app = self.proxied if environ.get("REMOTE_ADDR") in self.trusted else self.direct
        return app(environ, start_response)


def create_app(settings: Settings | None = None, prepared: Prepared | None = None) -> Flask:
    """A Flask app serving ``prepared`` (or the graph ``settings`` describe, prepared now).

    Raises ``ShapeViolation``/``LoadError`` when the data cannot be served.
    """
    if prepared is None:
        prepared = prepare(settings or Settings.from_env())
    settings = prepared.settings
    graph_names = frozenset(prepared.bundle.graph_counts())
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["gbagraph"] = State(
        prepared=prepared,
        examples=read_examples(settings.queries_dir),
        dumps=DumpCache(prepared.bundle),
        graph_names=graph_names,
        last_modified=_last_modified(prepared),
        response_cache=_response_cache(prepared),
        store_dumps=_store_dumps(prepared),
    )
    big = sum(prepared.bundle.graph_counts().values()) >= dumpfiles.STORE_DUMPS_FROM
    app.extensions["gbagraph"].start_search_index(beside=big)  # built now, or beside the running server (big graphs)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(health.bp)
    errors.register(app)
    app.wsgi_app = FastPath(app.wsgi_app, app.extensions)  # type: ignore[method-assign]
    app.wsgi_app = WatchClient(app.wsgi_app)  # type: ignore[method-assign]  # a query whose client left is stopped
    if settings.trusted_proxies:
        app.wsgi_app = TrustedProxies(app.wsgi_app, settings.trusted_proxies)  # type: ignore[method-assign]

    @app.after_request
    def cors(response: Response) -> Response:
        for key, value in CORS_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    return app
