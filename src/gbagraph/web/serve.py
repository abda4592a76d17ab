"""``gbagraph serve``: prepare the graph (refusing data that fails SHACL), then run the app under gunicorn with
the graph loaded once before the workers fork.

``SIGHUP`` to the master reloads the data without a cold restart: the master prepares the current files (a new
store beside the old one in the cache, or the cached one if the inputs did not change) while the old workers
keep answering, and only then does gunicorn fork new workers with the new app and retire the old ones
gracefully.  Data that fails (parse error, SHACL violation, inconsistent graph) is reported and the old app
keeps serving: the new workers fork with it.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from ..config import Settings
from ..errors import GbagraphError, SettingsError, ShapeViolation
from ..pipeline import Prepared, prepare
from . import create_app
from .front import front_worker

#: one access-log line per request: client, request line, status, bytes, milliseconds
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)sB %(M)sms "%(a)s"'


class StderrLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger with the access log on stderr, with the error log and the start-up line (gunicorn
    writes an access log of ``-`` to stdout): one stream holds everything the server reports.  With our
    :data:`ACCESS_LOG_FORMAT` only its atoms are built (gunicorn builds one per request header, response header
    and environ key: half the access log's cost, ~50 us a request)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        if self.cfg.access_log_format != ACCESS_LOG_FORMAT:
            return dict(super().atoms(resp, req, environ, request_time))
        status = resp.status
        return {"h": environ.get("REMOTE_ADDR", "-"),
                "r": f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}",
                "s": status.split(None, 1)[0] if isinstance(status, str) else status,
                "B": getattr(resp, "sent", None),
                "M": request_time.seconds * 1000 + int(request_time.microseconds / 1000),
                "a": environ.get("HTTP_USER_AGENT", "-")}

    def _set_handler(self, log: Any, output: Any, fmt: Any, stream: Any = None) -> None:
        if log is self.access_log and output == "-":
            stream = sys.stderr
        super()._set_handler(log, output, fmt, stream)


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn hosting an already-built app (``preload_app``: workers share the loaded graph).

    With ``rebuild``, gunicorn's reload (``SIGHUP``) calls it for a new app before any new worker forks; if it
    fails (it has reported why), the workers fork with the app already served."""

    def __init__(self, app: Flask, options: dict[str, Any],
                 rebuild: Callable[[Flask], Flask | None] | None = None) -> None:
        self.application = app
        self.options = options
        self.rebuild = rebuild
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # options newer than the installed gunicorn are skipped
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application

    def reload(self) -> None:
        """gunicorn's ``Arbiter.reload`` calls this first, then ``wsgi()`` (for the app the new workers fork
        with), then forks them and retires the old ones; the old workers answer meanwhile."""
        super().reload()
        if self.rebuild is None:
            return
        new = self.rebuild(self.application)
        if new is None:
            return
        old, self.application = self.application, new
        self.callable = None  # wsgi() hands out the new app from now on
        release(old)


def release(app: Flask) -> None:
    """Close what a replaced app holds in this process (its engine, its store once unreferenced).  Only ever
    called in the master: the workers forked with it have their own copies and close nothing."""
    try:
        close = getattr(app.extensions["gbagraph"].prepared.engine, "close", None)  # the query worker pool
        if callable(close):
            close()
    except Exception as exc:  # the master must outlive it: gunicorn stops on an error in its loop
        _say(f"reload: the previous query engine did not close cleanly ({type(exc).__name__}: {exc})")
    app.extensions.clear()
    gc.collect()  # the store's last references go here: RocksDB closes its files


def _say(message: str) -> None:
    print(f"gbagraph: {message}", file=sys.stderr, flush=True)


def refusal(exc: GbagraphError) -> str:
    """What is wrong with the data, readable: the message (with file:line for a parse error) and the SHACL
    report if there is one."""
    return f"{exc}\n{exc.report}" if isinstance(exc, ShapeViolation) and exc.report else str(exc)


def _exit_without_teardown(_server: Any, worker: Any) -> None:
    """gunicorn's ``worker_exit`` hook: end the worker process now, without Python's teardown, which would
    close the store the worker inherited from the master (RocksDB, opened before the fork) and crash the
    process (SIGSEGV): the store is the master's to close.  gunicorn also calls the hook in the master (for a
    worker that vanished before it was signalled): there it does nothing."""
    if getattr(worker, "pid", None) != os.getpid():
        return
    exc = sys.exc_info()[1]
    code = exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int) else 0
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _start_query_workers(server: Any, _worker: Any) -> None:
    """gunicorn's ``post_fork`` hook, in each new server process before its threads start: fork its query
    workers now (a fork from a process with running threads may copy a lock some thread holds)."""
    try:
        start = getattr(server.app.application.extensions["gbagraph"].engine, "start", None)
        if callable(start):
            start()
    except Exception as exc:  # the pool forks them on the first query instead
        _say(f"query workers not started at fork ({type(exc).__name__}: {exc}); they start on the first query")


def gunicorn_options(settings: Settings, host: str, port: int, workers: int | None) -> dict[str, Any]:
    """Threaded server processes (see ``front``): idle and slow clients take no thread for long, and a
    thread waiting on a query (evaluated in a query worker process) leaves the others answering."""
    threads = settings.http_threads
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers or os.cpu_count() or 1,
        "worker_class": front_worker(settings.head_timeout),
        "threads": threads,
        "keepalive": settings.keepalive,
        "worker_connections": max(1000, threads + 100),  # kept-alive connections beyond the threads
        "post_fork": _start_query_workers,
        "preload_app": True,
        "timeout": int(settings.query_timeout) + 30,  # a server process's main loop never waits on a query
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


#: the least memory a query worker's share of the budget may be, in MB (less is refused as a setting)
MIN_QUERY_MEMORY_MB = 64


def memory_shared(settings: Settings, processes: int) -> Settings:
    """``settings`` with each query worker's memory limit cut to its share of the server-wide budget
    (``processes`` server processes × the most workers a pool holds, ``max(query_workers,
    max_concurrent_queries)``): a worker's address space is capped for its whole life, so together they never
    take more than ``query_memory_budget_mb`` beyond the graph."""
    budget, workers = settings.query_memory_budget_mb, settings.query_workers
    if budget <= 0 or workers <= 0 or settings.sparql_backend:
        return settings
    workers = max(workers, settings.max_concurrent_queries)  # slow queries' workers are replaced up to that many
    share = budget // (processes * workers)
    if share < MIN_QUERY_MEMORY_MB:
        raise SettingsError(f"query_memory_budget_mb={budget} leaves {share} MB to each of {processes} server "
                            f"processes × {workers} query workers; give at least {MIN_QUERY_MEMORY_MB} MB each")
    if settings.query_memory_mb and settings.query_memory_mb <= share:
        return settings
    return settings.with_(query_memory_mb=share)


def build_app(settings: Settings, warm_dumps: bool | None = None,
              previous: Flask | None = None) -> tuple[Flask, str]:
    """Prepare the graph and build the app around it (raising ``GbagraphError`` for data that cannot be
    served); the app, and what was done for its dumps.  The dumps are built when first asked for, after the
    server answers (``/healthz`` never waits for them: 1.7 s on the bundled graph, 160 s at 100k through
    rdflib), unless ``warm_dumps`` asks for them now.  The dumps of a ``previous`` app serving the same store
    (unchanged inputs) are taken over, not built again."""
    app = create_app(prepared=prepare(settings))
    state = app.extensions["gbagraph"]
    if previous is not None:
        before = previous.extensions["gbagraph"]
        if state.prepared.dumps_folder is not None and state.prepared.dumps_folder == before.prepared.dumps_folder:
            state.dumps.carry_over(before.dumps)  # the dumps folder is named by the store's cache key
            return app, "dumps kept (same store)"
    start = time.perf_counter()
    if warm_dumps:
        from .dumps import files

        for file in files().values():
            state.dumps.get(file.format, file.inferred)
        return app, f"dumps {time.perf_counter() - start:.2f} s"
    return app, "dumps on first request"


def _triples(app: Flask) -> int:
    return sum(app.extensions["gbagraph"].bundle.graph_counts().values())


def contents(app: Flask) -> str:
    """What ``app`` serves, in a few words."""
    return f"{_triples(app)} triples in {len(app.extensions['gbagraph'].graph_names)} graphs"


def steps_summary(app: Flask, dumps: str) -> str:
    """prepare()'s steps for ``app``, one after another, with seconds and whether each came from the cache; then
    the dumps."""
    prepared: Prepared = app.extensions["gbagraph"].prepared
    steps = [f"{step.name} {step.seconds:.2f} s{' (cache)' if step.cached else ''}" for step in prepared.steps]
    return ", ".join([*steps, dumps])


class Reloader:
    """What ``SIGHUP`` runs in the master: the graph of the current files, prepared beside the one served; the
    new app, or None (with the reason on stderr) when the data cannot be served."""

    def __init__(self, settings: Settings, warm_dumps: bool | None) -> None:
        self.settings = settings
        self.warm_dumps = warm_dumps

    def __call__(self, current: Flask) -> Flask | None:
        _say("reload: preparing the current data (the running workers keep serving)")
        start = time.perf_counter()
        try:
            app, dumps = build_app(self.settings, self.warm_dumps, current)
        except GbagraphError as exc:
            _say(f"reload refused, still serving the previous data: {refusal(exc)}")
            return None
        except Exception as exc:  # anything else: the server keeps going on what it has
            _say(f"reload refused, still serving the previous data: {type(exc).__name__}: {exc}")
            return None
        _say(f"reload: done in {time.perf_counter() - start:.2f} s ({steps_summary(app, dumps)}): {contents(app)}; "
             "new workers take over, the old ones finish their requests")
        return app


class HangUpWhileStarting:
    """``SIGHUP`` before gunicorn handles it (while the graph is prepared) would end the process (the default
    action) or be lost: noted instead, and sent again once gunicorn is ready (``when_ready``), so the reload
    reads the files as they are then."""

    def __init__(self) -> None:
        self.pending = False
        self.previous: Any = None
        if threading.current_thread() is threading.main_thread():  # signal handlers live in the main thread
            self.previous = signal.signal(signal.SIGHUP, self._note)

    def _note(self, _signum: int, _frame: Any) -> None:
        self.pending = True

    def restore(self) -> None:
        """Put the handler back (the server did not start)."""
        if self.previous is not None:
            signal.signal(signal.SIGHUP, self.previous)

    def when_ready(self, _arbiter: Any) -> None:
        if self.pending:
            self.pending = False
            _say("reload: SIGHUP received while starting; reloading now")
            os.kill(os.getpid(), signal.SIGHUP)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None,
          *, warm_dumps: bool | None = None) -> int:
    """Validate and load the graph, then serve it until stopped (``SIGHUP`` reloads the data); 1 (with the
    report printed) if it cannot."""
    hang_up = HangUpWhileStarting()
    try:
        settings = memory_shared(settings, workers or os.cpu_count() or 1)
        app, _dumps = build_app(settings, warm_dumps)
    except BaseException as exc:
        hang_up.restore()
        if not isinstance(exc, GbagraphError):
            raise
        print(f"gbagraph: refusing to serve: {refusal(exc)}", file=sys.stderr)
        return 1
    options = {**gunicorn_options(settings, host, port, workers), "when_ready": hang_up.when_ready}
    shown = f"[{host}]" if ":" in host else host
    print(f"gbagraph: serving {contents(app)} at http://{shown}:{port}/ "
          f"(SPARQL at /sparql, public URL {settings.public_url or 'from each request'}, "
          f"{options['workers']} processes × {options['threads']} threads, {settings.query_workers} query workers "
          f"each of {settings.query_memory_mb or 'unlimited'} MB; kill -HUP {os.getpid()} reloads the data)",
          file=sys.stderr, flush=True)
    server = GunicornServer(app, options, Reloader(settings, warm_dumps))
    del app  # the server holds the only reference: a reload can release it
    try:
        server.run()
    except SystemExit as exc:  # gunicorn exits this way, e.g. when the port is taken
        return exc.code if isinstance(exc.code, int) else 1
    return 0
