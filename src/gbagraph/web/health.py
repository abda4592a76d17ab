"""``/healthz``: liveness for load balancers and tests — a tiny JSON object, no query evaluated.

It says which server process answered (``pid``) and that process's response-cache counters, so that a test or
an operator can see the cache at work without timing anything; and the state of the served store's files
(``store``: ``memory``, ``verifying``, ``verified``, or ``damaged`` — then the answer is a 503, and the next
start rebuilds the store).
"""

from __future__ import annotations

import json
import os

from flask import Blueprint, Response, jsonify

from ..errors import GbagraphError
from ..query import QueryRequest
from .state import State, state

bp = Blueprint("health", __name__)


#: with a ``sparql_backend``, the triples of the named graphs are counted there (bounded by this many seconds)
BACKEND_COUNT = QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", format="json", timeout=5)


def _triples(st: State) -> tuple[int | None, dict[str, str] | None]:
    """The triples queries are answered from — counted in the backend when there is one, else our store's — and,
    with a backend, where it is and what went wrong counting there (the pages are still served: not a 503)."""
    if not st.settings.sparql_backend:
        return sum(st.bundle.graph_counts().values()), None  # counted once (from the store's marker if it has one)
    backend = {"url": st.settings.sparql_backend}
    try:
        rows = json.loads(st.engine.answer(BACKEND_COUNT).body)["results"]["bindings"]
        return int(rows[0]["n"]["value"]), backend
    except (GbagraphError, ValueError, KeyError, IndexError) as exc:
        return None, backend | {"error": str(exc)}


@bp.route("/healthz", methods=["GET"])
def healthz() -> Response:
    st = state()
    triples, backend = _triples(st)
    cache = st.response_cache
    store = st.prepared.store_check.state()  # memory, verifying, verified, or damaged (503: take it out)
    body = {
        "status": "ok" if store["state"] != "damaged" else "damaged",
        "store": store,
        "triples": triples,
        **({"backend": backend} if backend else {}),
        "graphs": len(st.graph_names),
        "engine": getattr(st.engine, "name", type(st.engine).__name__),
        "pid": os.getpid(),
        "cache": None if cache is None else {"hits": cache.stats.hits, "misses": cache.stats.misses,
                                             "entries": len(cache), "bytes": cache.bytes},
    }
    response = jsonify(body)
    response.status_code = 503 if store["state"] == "damaged" else 200
    response.headers["Cache-Control"] = "no-store"
    return response
