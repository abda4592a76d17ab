"""``gbagraph serve``: prepare the graph (refusing data that fails SHACL), then run the app under gunicorn with
the graph loaded once before the workers fork."""

from __future__ import annotations

import os
import sys
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from ..config import Settings
from ..errors import GbagraphError, ShapeViolation
from ..pipeline import prepare
from . import create_app

#: one access-log line per request: client, request line, status, bytes, milliseconds
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)sB %(M)sms "%(a)s"'


class StderrLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger with the access log on stderr, with the error log and the start-up line (gunicorn
    writes an access log of ``-`` to stdout): one stream holds everything the server reports."""

    def _set_handler(self, log: Any, output: Any, fmt: Any, stream: Any = None) -> None:
        if log is self.access_log and output == "-":
            stream = sys.stderr
        super()._set_handler(log, output, fmt, stream)


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn hosting an already-built app (``preload_app``: workers share the loaded graph)."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # options newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _exit_without_teardown(_server: Any, _worker: Any) -> None:
    """gunicorn's ``worker_exit`` hook: end the worker process now, without Python's teardown, which would
    close the store the worker inherited from the master (RocksDB, opened before the fork) and crash the
    process (SIGSEGV): the store is the master's to close."""
    exc = sys.exc_info()[1]
    code = exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int) else 0
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def gunicorn_options(settings: Settings, host: str, port: int, workers: int | None) -> dict[str, Any]:
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers or os.cpu_count() or 1,
        "worker_class": "sync",
        "preload_app": True,
        "timeout": int(settings.query_timeout) + 30,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": StderrLogger,
        "limit_request_line": 0,  # long GET queries are allowed; the app limits query length itself
        "proc_name": "gbagraph",
        "worker_exit": _exit_without_teardown,
        "control_socket_disable": True,  # gunicorn ≥ 25: no shared ~/.gunicorn/gunicorn.ctl between servers
    }


#: up to this many quads, ``serve`` builds every dump before forking its workers
WARM_DUMPS_LIMIT = 50_000


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None,
          *, warm_dumps: bool | None = None) -> int:
    """Validate and load the graph, then serve it until stopped; 1 (with the report printed) if it cannot."""
    try:
        prepared = prepare(settings)
        app = create_app(prepared=prepared)
    except ShapeViolation as exc:
        print(f"gbagraph: refusing to serve: {exc}\n{exc.report}", file=sys.stderr)
        return 1
    except GbagraphError as exc:
        print(f"gbagraph: refusing to serve: {exc}", file=sys.stderr)
        return 1
    state = app.extensions["gbagraph"]
    triples = sum(state.bundle.graph_counts().values())
    if warm_dumps is None:  # small graphs: build the dumps once, shared by every worker after the fork;
        warm_dumps = triples <= WARM_DUMPS_LIMIT  # big ones: on first request (160 s at 100k otherwise)
    if warm_dumps:
        from .dumps import files

        for file in files().values():
            state.dumps.get(file.format, file.inferred)
    options = gunicorn_options(settings, host, port, workers)
    shown = f"[{host}]" if ":" in host else host
    print(f"gbagraph: serving {triples} triples in {len(state.graph_names)} graphs at http://{shown}:{port}/ "
          f"(SPARQL at /sparql, public URL {settings.public_url or 'from each request'}, "
          f"{options['workers']} workers)", file=sys.stderr,
          flush=True)
    try:
        GunicornServer(app, options).run()
    except SystemExit as exc:  # gunicorn exits this way, e.g. when the port is taken
        return exc.code if isinstance(exc.code, int) else 1
    return 0
