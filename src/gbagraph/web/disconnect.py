"""WSGI middleware: make the client's connection known to the query workers (``workers.CLIENT``) while a
request is handled, so that a query whose client went away (Cancel on the query page, a closed tab) is stopped
instead of running on to its time limit.  Gunicorn gives the connection as ``gunicorn.socket``, Werkzeug's
development server as ``werkzeug.socket``; without either nothing is watched."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..workers import CLIENT

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class WatchClient:
    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        token = CLIENT.set(environ.get("gunicorn.socket") or environ.get("werkzeug.socket"))
        try:
            return self.app(environ, start_response)
        finally:
            CLIENT.reset(token)
