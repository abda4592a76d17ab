"""The SPARQL 1.1 Protocol endpoint ``/sparql``: parse the request → ``QueryRequest`` → ``engine.answer`` → the
answer's bytes with its exact media type.  Read-only: updates are refused and change nothing.

GET ``/sparql`` without a query gives the Service Description (RDF ``Accept``) or the query page (HTML).

Answers go through a :class:`~gbagraph.web.response_cache.ResponseCache` (sized by ``response_cache_mb``): every answer
carries an ETag known before evaluation, ``If-None-Match`` with it gives 304, an identical request is answered
from memory (``X-Cache: hit``); errors are never kept.  Answers say ``Cache-Control: public, max-age=N``
(``sparql_max_age``) so that a reverse proxy may keep them too; errors say ``no-store``.  ``timeout=`` (seconds)
lowers the query's time limit.
"""

from __future__ import annotations

import functools
import math
from urllib.parse import parse_qsl

from flask import Blueprint, Response, request
from werkzeug.datastructures import ETags
from werkzeug.http import unquote_etag
from werkzeug.wrappers import Request as WerkzeugRequest

from .. import formats, sparqltext
from ..errors import BadRequest, PayloadTooLarge, UnsupportedMediaType, UpdateRefused
from ..query import Answer, QueryRequest
from ..void import service_description
from . import conneg
from .response_cache import request_key
from .state import State, state
from .views import query_page

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
Params = list[tuple[str, str]]
#: the WSGI environ key where :class:`~gbagraph.web.fastpath.FastPath` leaves what it met for the endpoint to raise
FAILED = "gbagraph.sparql.failed"


#: parameters of up to this many bytes have their decoding remembered (this many of them): clients send the same
#: query again and again, and percent-decoding a query in Python costs more than the rest of the request's parsing
PARAMS_KEPT_BYTES, PARAMS_KEPT = 8192, 256


def decode_params(raw: bytes, where: str) -> Params:
    """``a=1&b=2`` bytes → pairs, refusing anything that is not UTF-8 (HTTP 400)."""
    return list(_remembered(raw, where) if len(raw) <= PARAMS_KEPT_BYTES else _parse_params(raw, where))


@functools.lru_cache(maxsize=PARAMS_KEPT)
def _remembered(raw: bytes, where: str) -> tuple[tuple[str, str], ...]:
    return _parse_params(raw, where)  # a refusal is raised, not remembered


def _parse_params(raw: bytes, where: str) -> tuple[tuple[str, str], ...]:
    try:
        text = raw.decode("utf-8")
        return tuple(parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict"))
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the {where} is not UTF-8 (byte {exc.start}); SPARQL requests must be UTF-8") from exc


def _charset_is_utf8(req: WerkzeugRequest) -> None:
    charset = req.mimetype_params.get("charset")
    if charset and charset.strip().lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
        raise BadRequest(f"charset {charset} is not accepted; send the query as UTF-8")


def _body(req: WerkzeugRequest, limit: int) -> bytes:
    """The request body, at most ``limit`` bytes of it (413 beyond, also for a chunked body of no length)."""
    length = req.content_length
    if length is not None and length > limit:
        raise PayloadTooLarge(f"the request body is {length} bytes; the limit is {limit}")
    chunks, size = [], 0
    while size <= limit:
        chunk = req.stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise PayloadTooLarge(f"the request body is more than {limit} bytes (the limit)")
    return b"".join(chunks)


def read_params(req: WerkzeugRequest | None = None, limit: int | None = None) -> Params:
    """All protocol parameters of the request (URL and body), as sent, in order: of ``req`` (the current request
    when not given), whose body may have at most ``limit`` bytes (``max_body_bytes`` when not given)."""
    req = request if req is None else req
    url_params = decode_params(req.query_string, "query string")
    if req.method != "POST":
        return url_params
    limit = state().settings.max_body_bytes if limit is None else limit
    mimetype = req.mimetype
    if not mimetype:
        raise BadRequest(f"a POST to the SPARQL endpoint needs a Content-Type: {FORM} or {DIRECT}")
    if mimetype == UPDATE:
        raise UpdateRefused("this endpoint is read-only: SPARQL Update is not accepted (nothing was changed)")
    if mimetype == FORM:
        _charset_is_utf8(req)
        return url_params + decode_params(_body(req, limit), "request body")
    if mimetype == DIRECT:
        _charset_is_utf8(req)
        try:
            text = _body(req, limit).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"the query is not UTF-8 (byte {exc.start}); SPARQL requests must be UTF-8") from exc
        return [*url_params, ("query", text)]
    raise UnsupportedMediaType(f"Content-Type {mimetype} is not accepted; POST a query as {FORM} (query=…) or "
                               f"as {DIRECT} (the query as the body)")


def has_query(params: Params) -> bool:
    """Whether the parameters ask something (a query, or an update to refuse); a GET without either gets the
    service description or the query page."""
    return any(k in ("query", "update") for k, _ in params)


def _values(params: Params, name: str) -> list[str]:
    return [v for k, v in params if k == name]


def _graphs(params: Params, name: str, known: frozenset[str]) -> tuple[str, ...]:
    out = tuple(_values(params, name))
    for iri in out:
        if iri not in known:
            raise BadRequest(f"{name} <{iri}> is not a graph of this dataset; the service description "
                             "(GET /sparql with Accept: text/turtle) lists the named graphs")
    return out


def build_request(params: Params, accept: str | None = None, served: State | None = None) -> QueryRequest:
    """Protocol parameters (and the ``Accept`` header) → ``QueryRequest`` (checks the protocol's rules; the engine
    checks the query); ``served``: the app's state (the current app's when not given).

    The query text is lexed here (or its lexing, remembered from the same text sent recently, reused) and the
    answer's format chosen here, once: the guard, the cache and the engine use what the request carries."""
    served = served or state()
    queries, updates = _values(params, "query"), _values(params, "update")
    if len(queries) > 1:
        raise BadRequest("more than one 'query' parameter; send exactly one query")
    if len(updates) > 1:
        raise BadRequest("more than one 'update' parameter (and this endpoint is read-only)")
    if queries and updates:
        raise BadRequest("both 'query' and 'update' given; send one query")
    if updates:
        raise UpdateRefused("this endpoint is read-only: SPARQL Update is not accepted (nothing was changed)")
    text = queries[0] if queries else ""
    if not text.strip():
        raise BadRequest("the 'query' parameter is missing or empty")
    limit = served.settings.max_query_length
    if len(text) > limit:
        raise PayloadTooLarge(f"the query is {len(text)} characters; the limit is {limit}")
    lexed = sparqltext.lex_once(text)
    requested = [v for name in conneg.FORMAT_PARAMETERS for v in _values(params, name)]
    fmt = conneg.query_format(lexed.query_form, accept, requested)
    return QueryRequest(
        query=text,
        default_graphs=_graphs(params, "default-graph-uri", served.graph_names),
        named_graphs=_graphs(params, "named-graph-uri", served.graph_names),
        format=fmt.name if fmt else None,
        timeout=_timeout(params),
        lexed=lexed,
    )


def _timeout(params: Params) -> float | None:
    """The ``timeout`` parameter: positive seconds (the engine uses the lower of it and the server's limit)."""
    values = _values(params, "timeout")
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest("more than one 'timeout' parameter; send at most one")
    raw = values[0].strip()
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise BadRequest(f"timeout must be a positive number of seconds (e.g. timeout=2.5), not {values[0][:40]!r}")
    return seconds


def _service_description(params: Params) -> Response:
    fmt_param = next(iter(_values(params, "format")), None)
    fmt = conneg.pick(request.headers.get("Accept"), fmt_param, ("graph",), html=True, default=formats.DEFAULTS["graph"])
    if isinstance(fmt, str):  # HTML
        return query_page()
    graph = service_description(state().bundle, state().public_url() + "sparql",
                                federated=bool(state().settings.service_allowlist))
    body = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    return Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"})


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    """SPARQL 1.1 Protocol: query by GET, POST form or POST direct."""
    failed = request.environ.pop(FAILED, None)
    if failed is not None:  # met by the fast path (FastPath): reported here, by the app's error handlers
        raise failed
    params = read_params()
    if request.method == "GET" and not has_query(params):
        return _service_description(params)
    query = build_request(params, request.headers.get("Accept"))
    cache = state().response_cache
    if cache is None:
        return _answer_response(state().engine.answer(query), None, None, params)
    if_none_match = request.if_none_match
    key = request_key(query)
    etag = cache.etag_of(key) if key else None  # known before evaluation: a revalidation costs no query
    if etag and not if_none_match.star_tag and matches(if_none_match, etag):
        return _not_modified(etag)
    answer, etag, hit = cache.answer(state().engine, query, key)  # "*" matches only an answer that exists
    if etag and matches(if_none_match, etag):
        return _not_modified(etag)
    return _answer_response(answer, etag, hit, params)


def matches(if_none_match: ETags, etag: str) -> bool:
    """Whether ``If-None-Match`` holds ``etag`` (a quoted ETag): ``*``, lists and weak ``W/`` forms count."""
    return if_none_match.contains_weak(unquote_etag(etag)[0])


def cache_control(etag: str | None, max_age: int | None = None) -> str:
    """How long others may keep an answer: with an ETag (our own data, which changes only on a reload)
    ``public, max-age`` for ``sparql_max_age`` seconds (``max_age``, the current app's when not given), then
    revalidation; without one (a remote backend's answer, which may change any time) revalidation every time."""
    max_age = state().settings.sparql_max_age if max_age is None else max_age
    if not etag or max_age <= 0:
        return "no-cache"
    return f"public, max-age={max_age}"


def answer_headers(answer: Answer, etag: str | None, hit: bool | None, params: Params,
                   max_age: int) -> list[tuple[str, str]]:
    """The headers of an answer after its Content-Type and Content-Length, in order (CORS aside)."""
    headers = [("Vary", "Accept"), ("Cache-Control", cache_control(etag, max_age))]
    if hit is not None:
        headers.append(("X-Cache", "hit" if hit else "miss"))
    if etag:
        headers.append(("ETag", etag))
    if _values(params, "download"):
        headers.append(("Content-Disposition", f'attachment; filename="results.{answer.format.extension}"'))
    return headers


def _answer_response(answer: Answer, etag: str | None, hit: bool | None, params: Params) -> Response:
    response = Response(answer.body, content_type=answer.format.content_type)
    response.headers.extend(answer_headers(answer, etag, hit, params, state().settings.sparql_max_age))
    return response


def _not_modified(etag: str) -> Response:
    return Response(status=304, headers={"ETag": etag, "Vary": "Accept", "Cache-Control": cache_control(etag)})
