"""View helpers shared by the blueprints (the query page is both ``/`` and ``GET /sparql`` asked for HTML)."""

from __future__ import annotations

from flask import Response, render_template, request

from .. import sparqltext
from ..namespaces import prefixes, sparql_prologue
from .conneg import HTML_CONTENT_TYPE
from .state import state

DEFAULT_QUERY = """SELECT ?class (COUNT(?thing) AS ?things)
WHERE { ?thing a ?class }
GROUP BY ?class
ORDER BY DESC(?things)
LIMIT 25
"""


def query_page() -> Response:
    """The query editor, with the examples of ``queries/`` and the graph's prefixes."""
    st = state()
    allowed = set(st.settings.service_allowlist)
    examples = []
    for e in st.examples:
        blocked = [t for t in sparqltext.service_targets(e.text) if t not in allowed]
        examples.append({"name": e.name, "title": e.title, "description": e.description, "text": e.text,
                         "needs": blocked})
    body = render_template(
        "query.html",
        examples=examples,
        prefixes=prefixes(st.base),
        prologue=sparql_prologue(st.base),
        base=st.base,
        initial=request.args.get("query") or DEFAULT_QUERY,
        autorun=bool(request.args.get("query")),
        default_query=DEFAULT_QUERY,
        triples=sum(st.bundle.graph_counts().values()),
        graphs=len(st.graph_names),
    )
    return Response(body, content_type=HTML_CONTENT_TYPE, headers={"Vary": "Accept"})
