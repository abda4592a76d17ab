"""One settings table: every knob of gbagraph, its default and what it does.

``Settings`` is frozen and checks its values however it is built (``Settings(...)``, :func:`settings` with
keyword overrides and unknown keys rejected, :meth:`Settings.from_env` from ``GBAGRAPH_<NAME>`` variables): a
bad value is a :class:`~gbagraph.errors.SettingsError` naming the setting, never a failure later on.
"""

from __future__ import annotations

import functools
import os
from dataclasses import _MISSING_TYPE, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import SettingsError


def _project_root() -> Path:
    """The checkout holding ``ontology/`` and ``data/`` (``GBAGRAPH_ROOT`` wins, then the source tree, then cwd)."""
    env = os.environ.get("GBAGRAPH_ROOT")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2]
    if (here / "ontology").is_dir() and (here / "data").is_dir():
        return here
    return Path.cwd()


#: the allowed values of the settings that take one of a few names (the only list of them: the CLI and the
#: reasoners use these; each is named in its setting's help text, which tests/core/test_config.py checks)
ENGINES = ("oxigraph", "rdflib")
REASONERS = ("owlrl", "reasonable", "rules", "auto")


#: where ``gbagraph serve`` listens by default: the server's own links when no public URL is set
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000/"


def public_url(settings: Settings, request_root: str | None = None) -> str:
    """The URL the server is reached at (ending in ``/``): the ``public_url`` setting; else, answering a request,
    the request's own root (after any trusted proxy's headers); else ``gbagraph serve``'s default address (what
    a store built before any request describes)."""
    return settings.public_url or request_root or DEFAULT_PUBLIC_URL


def _setting(default: Any, help: str, choices: tuple[str, ...] = ()) -> Any:
    return field(default=default, metadata={"help": help, "choices": choices})


@dataclass(frozen=True)
class Settings:
    root: Path = field(default_factory=_project_root,
                       metadata={"help": "Folder holding ontology/, data/ and queries/."})
    public_url: str | None = _setting(None, "URL the server is reached at (e.g. https://kg.example.net/), used for "
                                      "its own links: the endpoint and dumps in VoID and the service description. "
                                      "The data's IRIs never change (https://w3id.org/gbagraph/...). Default: "
                                      "http://HOST:PORT/ for `gbagraph serve`, the request's host elsewhere.")
    trusted_proxies: tuple[str, ...] = _setting((), "Addresses of reverse proxies whose X-Forwarded-For/-Proto/-Host/"
                                                "-Prefix headers are believed; from anyone else they are ignored.")
    validate: bool = _setting(True, "Check the data against ontology/shapes.ttl before serving; refuse "
                              "to serve data that does not conform.")
    infer: bool = _setting(True, "Add the OWL RL closure (owlrl) as the named graph graph/inferred.")
    parallel_start: bool = _setting(False, "On a cold start of a big graph (from 200k triples), run SHACL in a "
                                    "child process beside the OWL RL step. Since the compiled reasoner it is not "
                                    "faster even on an idle second core (1M: 97 s against 86 s), and the start's "
                                    "peak memory is the sum of both (1M: 2.7 GB instead of 1.9 GB).")
    engine: str = _setting("oxigraph", "Query engine: 'oxigraph' (in-process pyoxigraph) or 'rdflib'.", ENGINES)
    query_timeout: float = _setting(30.0, "Seconds a query may run before it is stopped (HTTP 503); a "
                                    "request may ask for less with the 'timeout' parameter.")
    max_query_length: int = _setting(100_000, "Longest query text accepted, in characters (HTTP 413).")
    max_body_bytes: int = _setting(1_000_000, "Largest request body accepted, in bytes (HTTP 413).")
    max_result_rows: int = _setting(100_000, "Most rows/triples one answer may hold; larger answers are "
                                    "refused with a clear message, never silently cut.")
    max_result_bytes: int = _setting(50_000_000, "Largest serialised answer, in bytes.")
    max_concurrent_queries: int = _setting(4, "Queries evaluated at once per server process; more wait "
                                           "briefly, then get HTTP 503.")
    query_workers: int = _setting(2, "Worker processes evaluating queries (per server process), so that a "
                                  "query past its timeout is really stopped and a crash loses one query, "
                                  "not the server; 0 evaluates in-process (no timeout, for the CLI).")
    http_threads: int = _setting(8, "Threads per server process answering HTTP requests (gunicorn's gthread "
                                 "worker). A thread waiting on a query only waits: the query runs in a query "
                                 "worker process, so threads beyond max_concurrent_queries keep pages and "
                                 "/healthz answering while every query slot is busy.")
    head_timeout: float = _setting(10.0, "Seconds a client has, from its first byte, to send a request's line and "
                                   "headers (and the longest silence while it sends a body or reads its "
                                   "answer); then the connection is closed, so slow clients cannot hold the "
                                   "server's threads.")
    keepalive: int = _setting(5, "Seconds an idle connection is kept open for the client's next request "
                                "(keep-alive); idle connections take no thread meanwhile.")
    query_memory_mb: int = _setting(2048, "Memory one query may take in its worker process, in MB beyond "
                                    "the loaded graph (a query past it gets HTTP 503); 0 for no limit.")
    query_memory_budget_mb: int = _setting(8192, "Memory all queries of one `gbagraph serve` may take together, in "
                                           "MB beyond the loaded graph: split evenly between the query worker "
                                           "processes a server process may hold (max of query_workers and "
                                           "max_concurrent_queries) in every server process; each one's limit is "
                                           "the smaller of query_memory_mb and its share, so heavy queries at once "
                                           "never push the server past it. 0 for no server-wide budget.")
    engine_memory_triples: int = _setting(400_000, "Graphs of up to this many triples (in their named graphs) are "
                                          "queried from an in-memory copy of the store, made once before the "
                                          "server forks and shared by its processes: Oxigraph evaluates 2-5x "
                                          "faster in memory than on its on-disk store, for more memory (at 100k "
                                          "triples the copy is 124 MB and the serving tree's PSS 455 instead of "
                                          "154 MB) and a slower start (the copy: 2-8 s at 100k). Bigger graphs "
                                          "are queried on disk. 0: always on disk.")
    response_cache_mb: int = _setting(64, "Memory for recent /sparql answers, in MB per server process: an "
                                      "identical request (same normalised query, dataset parameters and "
                                      "answer format) is answered from it; every answer has an ETag and "
                                      "If-None-Match gives 304. 0 keeps nothing (ETags and 304 still work).")
    sparql_max_age: int = _setting(60, "Seconds browsers and shared caches (a reverse proxy such as nginx, a CDN) "
                                   "may reuse a /sparql answer without asking (Cache-Control: public, max-age); "
                                   "then they revalidate it with its ETag (304 when the data is unchanged). 0: "
                                   "revalidate every time. Errors are never stored (no-store).")
    service_allowlist: tuple[str, ...] = _setting((), "SPARQL endpoints a query's SERVICE clause may "
                                                  "call; empty means SERVICE is refused.")
    sparql_backend_union_graph: str | None = _setting(None, "For a sparql_backend whose default graph is not the "
                                                      "union of our named graphs (Virtuoso): the named graph "
                                                      "`gbagraph push --union-graph` wrote it to; queries then "
                                                      "name our graphs as their dataset.")
    sparql_backend: str | None = _setting(None, "URL of a remote SPARQL endpoint to serve instead of the "
                                          "bundled graph.")
    reasoner: str = _setting("auto", "OWL RL reasoner for graph/inferred: 'owlrl' (pure Python, the reference), "
                             "'reasonable' (Rust, ~15-50x faster, but ~6 GB at 1M triples), 'rules' (the OWL RL "
                             "rules that can fire on the TBox, compiled into lookups and joins run in memory: "
                             "owlrl's closure, ~15x faster at 10k triples, ~100x at 100k; owlrl runs instead "
                             "when the TBox or the data needs a rule they do not compile) or 'auto' (owlrl under "
                             "reasoner_auto_limit asserted triples, else 'rules').", REASONERS)
    reasoner_auto_limit: int = _setting(10_000, "Asserted triples from which reasoner 'auto' uses 'rules'.")
    cache: bool = _setting(True, "Keep the parsed store, the inferred graph and the SHACL verdict on disk, keyed "
                           "by a hash of what each depends on (ontology, data, shapes, library versions), so "
                           "that a restart on the same inputs parses, validates and infers nothing.")
    store_check_sync_mb: int = _setting(512, "A cached store of up to this many MB has its files checked against "
                                        "the checksums recorded when it was built before it is served (a damaged "
                                        "one is rebuilt); a bigger one is served at once and checked in the "
                                        "background (/healthz reports the check as verifying, then verified or damaged).")
    keep_cache_entries: int = _setting(3, "Entries of each kind the cache folder keeps (stores with their dumps, "
                                       "inferred graphs, SHACL verdicts), the most recently used first: a start "
                                       "removes older ones, superseded by changed inputs, and the temporary files "
                                       "of processes that died.")
    cache_dir: str | None = _setting(None, "Folder of that cache (default $XDG_CACHE_HOME/gbagraph, i.e. "
                                     "~/.cache/gbagraph; never inside the repository).")

    def __post_init__(self) -> None:
        set_ = functools.partial(object.__setattr__, self)
        if not isinstance(self.root, Path):  # Settings(root="folder") is as good as Settings(root=Path(...))
            set_("root", Path(self.root))
        for name in ("service_allowlist", "trusted_proxies"):
            value = getattr(self, name)
            set_(name, (value,) if isinstance(value, str) else tuple(value))
        if self.public_url:
            url = str(self.public_url)
            if not url.startswith(("http://", "https://")):
                raise SettingsError(f"public URL must be an http(s) URL: {url!r}")
            set_("public_url", url if url.endswith("/") else url + "/")
        for name, allowed in SETTING_CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(f"unknown {name} {getattr(self, name)!r}; use one of: {', '.join(allowed)}")
        if self.http_threads < 1 or not self.head_timeout > 0 or self.keepalive < 0:
            raise SettingsError("http_threads must be ≥ 1, head_timeout > 0 and keepalive ≥ 0")

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``GBAGRAPH_*`` variables, then ``overrides``."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"GBAGRAPH_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _coerce(f.name, raw)
        values.update(overrides)
        return settings(**values)

    def with_(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (unknown keys rejected)."""
        return settings(self, **changes)


def _coerce(name: str, raw: str) -> Any:
    default = SETTING_DEFAULTS[name]
    if name == "root":
        return Path(raw)
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int | float):
        try:
            return type(default)(raw)
        except ValueError:
            raise SettingsError(f"GBAGRAPH_{name.upper()} must be a number, not {raw!r}") from None
    if isinstance(default, tuple):
        return tuple(x for x in raw.replace(",", " ").split() if x)
    return raw or None


SETTING_HELP: dict[str, str] = {f.name: f.metadata["help"] for f in fields(Settings)}
#: setting -> its allowed values, for the settings that take one of a few names
SETTING_CHOICES: dict[str, tuple[str, ...]] = {f.name: f.metadata["choices"] for f in fields(Settings)
                                               if f.metadata.get("choices")}
SETTING_DEFAULTS: dict[str, Any] = {
    f.name: (f.default_factory() if not isinstance(f.default_factory, _MISSING_TYPE) else f.default)
    for f in fields(Settings)
}


def settings(base: Settings | None = None, **changes: Any) -> Settings:
    """Build ``Settings`` from ``base`` (defaults if None) and ``changes``; unknown keys are an error."""
    unknown = set(changes) - set(SETTING_HELP)
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    return replace(base or Settings(), **changes)  # replace() runs __post_init__: the checks
