"""WSGI middleware: the common SPARQL requests — ``GET /sparql?query=…`` and ``POST /sparql``, without
``If-None-Match`` — answered without Flask's request and response objects (issue 22: on a millisecond query
they were a tenth of the request's time), from the same functions the endpoint uses (:mod:`~gbagraph.web.sparql`),
so that the answer and its headers are the endpoint's own, byte for byte.

Anything else goes to the app untouched (a GET without a query: the service description or the query page).
A request the fast path cannot answer (a bad parameter, the engine's
refusal, a timeout, a crashed worker, anything raised) goes to the app too, with what was raised in the
environ (:data:`~gbagraph.web.sparql.FAILED`): the endpoint raises it again and the app's error handlers answer
as they answer every error (status, body by ``Accept``, headers, log).  Nothing is evaluated twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from .cors import CORS_ITEMS
from .response_cache import request_key
from .sparql import FAILED, answer_headers, build_request, decode_params, has_query, read_params
from .state import State

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class FastPath:
    """In front of ``app``, the WSGI callable of the Flask app whose ``extensions`` are given: the state is looked up
    there on each request, never kept here, so that a replaced app's store is released with its extensions
    (``web.serve.release``) even while something still refers to the old app."""

    def __init__(self, app: WSGIApplication, extensions: dict[str, Any]) -> None:
        self.app = app
        self.extensions = extensions

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (environ.get("PATH_INFO") != "/sparql" or "HTTP_IF_NONE_MATCH" in environ
                or not (method == "POST" or (method == "GET" and environ.get("QUERY_STRING")))):
            return self.app(environ, start_response)
        served: State | None = self.extensions.get("gbagraph")
        if served is None:  # a released app
            return self.app(environ, start_response)
        try:
            if method == "GET":
                params = decode_params(environ["QUERY_STRING"].encode("latin-1"), "query string")
                if not has_query(params):  # the service description or the query page
                    return self.app(environ, start_response)
            else:  # read as the app reads it (werkzeug's request, the same limits); a POST never needs it again
                limit = served.settings.max_body_bytes
                body = Request(environ)
                body.max_content_length = limit
                params = read_params(body, limit)
            query = build_request(params, environ.get("HTTP_ACCEPT"), served)
            cache = served.response_cache
            if cache is None:
                answer, etag, hit = served.engine.answer(query), None, None
            else:
                answer, etag, hit = cache.answer(served.engine, query, request_key(query))
            headers = [("Content-Type", answer.format.content_type), ("Content-Length", str(len(answer.body))),
                       *answer_headers(answer, etag, hit, params, served.settings.sparql_max_age), *CORS_ITEMS]
        except Exception as exc:  # the app answers it, with its error handlers
            environ[FAILED] = exc
            return self.app(environ, start_response)
        start_response("200 OK", headers)
        return [answer.body]
