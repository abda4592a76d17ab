"""One error handler: ``GbagraphError`` and werkzeug's HTTP errors become a status and a short body in
text/plain, JSON or HTML (by ``Accept``).  A 500 — an unexpected exception, or a ``GbagraphError`` saying the
fault is ours — is logged with its traceback and answered with a short message, never a traceback."""

from __future__ import annotations

from flask import Flask, Response, current_app, json, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import GbagraphError, IndexPending, QuerySyntaxError, QueryTimeout, ShapeViolation, TooBusy
from .conneg import HTML_CONTENT_TYPE, HTML_TYPES, accept_of, best

#: error body types offered, plain text first (for ``*/*``)
_ERROR_TYPES = {"text/plain": "text", **{t: "html" for t in HTML_TYPES}, "application/json": "json",
                "application/problem+json": "json"}


def _body_type(accept: str | None) -> str:
    chosen = best(accept_of(accept), list(_ERROR_TYPES))
    return _ERROR_TYPES[chosen] if chosen else "text"


def error_response(status: int, title: str, message: str, headers: dict[str, str] | None = None,
                   fields: dict[str, int] | None = None) -> Response:
    """The error answer for the current request, in the type its ``Accept`` prefers; ``fields`` go into the
    JSON body (a syntax error's ``line`` and ``column``)."""
    kind = _body_type(request.headers.get("Accept"))
    if kind == "html":
        body = render_template("error.html", status=status, title=title, message=message)
        response = Response(body, status=status, content_type=HTML_CONTENT_TYPE)
    elif kind == "json":
        body = json.dumps({"status": status, "title": title, "message": message, **(fields or {})})
        response = Response(body + "\n", status=status, content_type="application/json")
    else:
        response = Response(f"{status} {title}\n\n{message}\n", status=status,
                            content_type="text/plain; charset=utf-8")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def retry_after(exc: GbagraphError) -> int:
    """Seconds a client should wait before retrying after a 503 (busy: soon; timed out: a little longer)."""
    if isinstance(exc, TooBusy):
        return 1
    if isinstance(exc, QueryTimeout | IndexPending):
        return 5
    return 2  # a crashed worker (replaced at once), an engine shutting down


def handle_gbagraph(exc: GbagraphError) -> Response:
    if exc.status == 500:  # our fault, not the client's: logged with its traceback
        _log_internal(exc, getattr(exc, "trace", ""))
    message = exc.message
    if isinstance(exc, ShapeViolation) and exc.report:
        message = f"{message}\n{exc.report}"
    status = exc.status if 400 <= exc.status <= 599 else 500
    headers = {"Retry-After": str(retry_after(exc))} if status == 503 else None
    fields = {"line": exc.line, "column": exc.column} if isinstance(exc, QuerySyntaxError) else None
    return error_response(status, exc.title, message, headers, fields)


def handle_http(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return error_response(status, exc.name, exc.description or exc.name, headers)


def handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    _log_internal(exc)
    return error_response(500, "Internal error", "the server failed to answer this request; it has been logged")


def _log_internal(exc: BaseException, trace: str = "") -> None:
    """Log a failure of ours with its traceback: ``trace`` when it was raised in another process (a query
    worker), else the exception's own (with its cause)."""
    if trace:
        current_app.logger.error("internal error on %s %s: %s\n%s", request.method, request.path, exc, trace.rstrip())
    else:
        current_app.logger.error("internal error on %s %s: %s", request.method, request.path, exc, exc_info=exc)


def register(app: Flask) -> None:
    app.register_error_handler(GbagraphError, handle_gbagraph)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
