"""Evaluate queries in worker processes, so that a query past its time limit is really stopped.

Neither pyoxigraph nor rdflib can be interrupted inside a thread, so :class:`WorkerPoolEngine` runs
``inner.answer(request)`` in forked worker processes (the loaded store is shared copy-on-write) and kills a
worker whose query outruns its limit, then forks a replacement.  A worker that crashes (Oxigraph overflows
its stack on some pathological queries) costs one query a 503, never the server.

* Workers start on the first query (or :meth:`WorkerPoolEngine.start`, best called before the server starts
  threads), are forked from the process that uses the pool (after a gunicorn fork each server process gets
  its own) and stop with :meth:`~WorkerPoolEngine.close`, the context manager, garbage collection or exit.
* At most ``max_concurrent`` queries are admitted at once; another waits ``queue_wait`` seconds for a slot,
  then gets :class:`~gbagraph.errors.TooBusy`.  An admitted query waits for a free worker within its limit.
* ``GbagraphError``s raised in a worker come back with their type, message and status.
* A worker dies with its parent (Linux's parent-death signal, from a forking thread that lives as long as the
  pool), ends itself when a query outruns its limit by ``SELF_LIMIT_GRACE`` seconds (even if the parent is
  gone or stuck), and holds no socket but its own pipe (never the server's listening socket).
* A query still running after ``SLOW_AFTER`` seconds has its worker reniced to ``SLOW_NICE`` and a worker at
  normal priority is forked for the queries behind it (up to ``max(workers, max_concurrent)`` in all); the
  demoted worker is replaced when its query ends.
* A query whose client has gone (the connection in :data:`CLIENT`, set by the web layer, closed: a Cancel on the
  query page) is stopped at once, like one past its limit, instead of running on to its limit.
"""

from __future__ import annotations

import faulthandler
import math
import multiprocessing
import os
import pickle
import resource
import select
import signal
import socket
import stat
import threading
import time
import weakref
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, cast

from .config import Settings
from .errors import ClientGone, EngineClosed, GbagraphError, QueryError, QueryTimeout, TooBusy, WorkerCrashed
from .guard import check_size
from .query import Answer, Engine, QueryRequest

_FORK = multiprocessing.get_context("fork")

#: a query each new worker answers before it takes requests (it reads the store)
WARM_UP = "ASK { ?s ?p ?o }"
#: seconds a new worker has to become ready, and how many times a fork is tried
SPAWN_TIMEOUT, SPAWN_TRIES = 3.0, 3

#: signals whose inherited handlers (gunicorn's, pytest's) must not run in a worker
_DEFAULT_SIGNALS = ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGABRT", "SIGWINCH", "SIGCHLD")


#: the connection of the client waiting for the answer being evaluated (a socket), when the caller knows it
CLIENT: ContextVar[Any] = ContextVar("gbagraph_client", default=None)


def _ready(watched: list[Any], timeout: float) -> list[Any]:
    """Those of ``watched`` (file descriptors, or objects with ``fileno()``) readable, closed or failed within
    ``timeout`` seconds: ``multiprocessing.connection.wait`` without the selector it builds on every call."""
    poller = select.poll()
    by_fd: dict[int, Any] = {}
    for item in watched:
        fd = item if isinstance(item, int) else item.fileno()
        by_fd[fd] = item
        poller.register(fd, select.POLLIN)
    return [by_fd[fd] for fd, _events in poller.poll(math.ceil(max(0.0, timeout) * 1000))]


def _client_gone(conn: Any) -> bool:
    """Whether the readable client connection ``conn`` was closed (not: sent more bytes)."""
    try:
        return bool(conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"")
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    demoted: bool = False  # its priority was lowered during a slow query: replaced after it


@dataclass(eq=False)
class _Waiter:
    """A query waiting for a worker: ``_release`` hands one over directly (no barging by later queries)."""

    ready: threading.Event = field(default_factory=threading.Event)
    worker: _Worker | None = None


# --------------------------------------------------------------------------- the worker process


def _status_kb(*names: str) -> list[int]:
    """Fields of /proc/self/status, in kB, in the order asked."""
    with open("/proc/self/status", encoding="ascii") as status:
        found = {line.split(":")[0]: int(line.split()[1]) for line in status if line.split(":")[0] in names}
    return [found[name] for name in names]


def _limit_memory(extra_mb: int | None) -> None:
    """Let this process's resident memory grow by at most ``extra_mb`` MB (allocation beyond it fails).

    The limit is on address space, and a forked process owns address space it has reserved but never touched
    (thread stacks and malloc arenas of the server process it was forked from) that can become resident
    without a new mapping: that part counts against ``extra_mb`` (down to half of it)."""
    if not extra_mb:
        return
    try:
        size, resident = (kb * 1024 for kb in _status_kb("VmSize", "VmRSS"))
        room = max(extra_mb * 2**20 - (size - resident), extra_mb * 2**20 // 2)
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + room
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, KeyError):  # not Linux: no memory limit
        pass


#: a query still running after SLOW_AFTER seconds runs at this niceness (the CPU goes to quick requests first)
SLOW_AFTER, SLOW_NICE = 1.0, 19

#: prctl(2) option: the signal this process gets when the thread that forked it ends
PR_SET_PDEATHSIG = 1
#: seconds a worker lets a query run past the limit it was given before it ends itself (the parent kills first)
SELF_LIMIT_GRACE = 2.0


def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when its parent ends (Linux); if the parent is already gone, end now."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the self-imposed time limit still ends every query
        pass
    if os.getppid() != parent:  # the parent ended before the signal was asked for
        os._exit(1)


def _drop_inherited_sockets(keep: int) -> None:
    """Give up every socket this process inherited (the server's listening socket, other clients'
    connections) except ``keep``: each is replaced by /dev/null under the same number, so a Python object still
    holding the number closes nothing of value, and no worker ever keeps the server's port open."""
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            if fd <= 2 or fd in (keep, null):
                continue
            try:
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd)
            except OSError:  # the listing's own descriptor, already closed
                pass
    except OSError:  # no /proc (not Linux)
        pass
    finally:
        os.close(null)


def _worker_main(conn: Connection, engine: Engine, max_result_bytes: int | None, memory_mb: int | None,
                 inherited: list[Connection], parent: int) -> None:
    """Answer requests from ``conn`` until it closes (runs in the forked child)."""
    _die_with_parent(parent)
    _limit_memory(memory_mb)
    for other in inherited:  # the parent's pipe ends: holding them would hide the parent's exit (EOF)
        other.close()
    _drop_inherited_sockets(conn.fileno())
    faulthandler.disable()  # a crash is reported by the parent, without the parent's stack
    for name in _DEFAULT_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business; it closes the pool
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the self-imposed time limit ends the process
    signal.setitimer(signal.ITIMER_REAL, SPAWN_TIMEOUT + SELF_LIMIT_GRACE)
    try:  # touch the store: a lock copied held by the fork hangs here, where the parent retries, not in a query
        engine.answer(QueryRequest(WARM_UP))
    except Exception:
        pass
    signal.setitimer(signal.ITIMER_REAL, 0)
    conn.send(("ready", None))
    while True:
        try:
            request, limit = conn.recv()
        except (EOFError, OSError):
            return
        signal.setitimer(signal.ITIMER_REAL, limit + SELF_LIMIT_GRACE)  # even if the parent is gone or stuck
        try:
            reply: tuple[str, Any] = ("ok", check_size(engine.answer(request), max_result_bytes))
        except GbagraphError as exc:
            reply = ("error", _export_error(exc))
        except Exception as exc:  # an engine without the guard: keep the type name, not the traceback
            reply = ("error", _export_error(GbagraphError(f"query failed ({type(exc).__name__}: {exc})")))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            conn.send_bytes(pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            conn.send(("error", _export_error(GbagraphError(f"answer could not be sent back: {exc}"))))
        except (BrokenPipeError, OSError):
            return


def _export_error(exc: GbagraphError) -> tuple[bytes | None, str, int]:
    """An error as it crosses back to the parent: pickled (``GbagraphError.__reduce__`` keeps its class and
    fields), with its message and status for a parent that cannot unpickle it."""
    try:
        pickled: bytes | None = pickle.dumps(exc)
    except Exception:  # an attribute that does not pickle
        pickled = None
    return pickled, exc.message, exc.status


def _import_error(payload: tuple[bytes | None, str, int]) -> GbagraphError:
    """The error a worker reported: the same one, or a plain ``GbagraphError`` with its message and status if
    this process cannot rebuild it (a class it does not know)."""
    pickled, message, status = payload
    if pickled is not None:
        try:
            exc = pickle.loads(pickled)
            if isinstance(exc, GbagraphError):
                return exc
        except Exception:
            pass
    return GbagraphError(message, status=status)


def _forget(process: BaseProcess) -> None:
    """Take a worker out of ``multiprocessing``'s registry of children (its one private name, used only here).

    The pool reaps its own workers.  A server process forked from this one (gunicorn's) inherits the registry,
    and ``multiprocessing``'s exit handler there would signal and join workers that are not its children."""
    children = getattr(multiprocessing.process, "_children", None)
    if isinstance(children, set):
        children.discard(process)


def _shutdown(workers: list[_Worker], owner: int, grace: float = 1.0) -> None:
    """Close every worker's pipe (a worker exits on EOF), then kill those still alive."""
    if os.getpid() != owner:  # a forked copy of the pool: those workers are not ours
        return
    for w in workers:
        w.conn.close()
    deadline = time.monotonic() + grace
    for w in workers:
        w.process.join(max(0.0, deadline - time.monotonic()))
        if w.process.is_alive():
            w.process.kill()
            w.process.join(5)
    workers.clear()


def _how(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


# --------------------------------------------------------------------------- the pool


class WorkerPoolEngine:
    """An ``Engine`` evaluating ``inner.answer`` in worker processes, with a time limit that really stops."""

    def __init__(self, inner: Engine, *, workers: int = 2, timeout: float = 30.0, max_concurrent: int = 4,
                 queue_wait: float = 1.0, max_result_bytes: int | None = None, memory_mb: int | None = None) -> None:
        if workers < 1 or max_concurrent < 1 or not timeout > 0:
            raise ValueError("workers and max_concurrent must be ≥ 1 and timeout > 0")
        self.inner = inner
        self.name = inner.name
        self.workers = workers
        self.timeout = timeout
        self.max_concurrent = max_concurrent
        self.queue_wait = queue_wait
        self.max_result_bytes = max_result_bytes
        self.memory_mb = memory_mb
        self._closed = False
        self._reset()

    @classmethod
    def for_settings(cls, inner: Engine, settings: Settings) -> WorkerPoolEngine:
        return cls(inner, workers=settings.query_workers, timeout=settings.query_timeout,
                   max_concurrent=settings.max_concurrent_queries, max_result_bytes=settings.max_result_bytes,
                   memory_mb=settings.query_memory_mb)

    def _reset(self) -> None:
        """Fresh bookkeeping for this process (at creation, and in a process forked from the owner)."""
        self._owner = os.getpid()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.max_concurrent)
        self._all: list[_Worker] = []
        self._idle: list[_Worker] = []
        self._waiters: deque[_Waiter] = deque()  # first come, first served
        # Workers are forked by one thread that lives as long as the pool: Linux sends the parent-death signal
        # when the *thread* that forked a process ends, and a request thread may end before its replacement.
        self._forker = ThreadPoolExecutor(1, thread_name_prefix="gbagraph-fork")
        self._finalizer = weakref.finalize(self, _shutdown, self._all, self._owner)

    def _adopt(self) -> None:
        """After a fork (gunicorn's pre-fork workers), forget the parent's workers and locks."""
        if os.getpid() != self._owner:
            for w in self._all:
                w.conn.close()  # our copy of the parent's pipe only
            self._finalizer.detach()
            self._reset()

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> WorkerPoolEngine:
        """Fork every worker now (before the server starts threads, ideally)."""
        self._adopt()
        with self._lock:
            self._check_open()
            while len(self._all) < self.workers:
                self._release(self._spawn())
        return self

    def close(self) -> None:
        """Stop every worker (idempotent); queries sent afterwards are refused."""
        self._adopt()
        with self._lock:
            self._closed = True
            self._idle.clear()
            while self._waiters:
                self._waiters.popleft().ready.set()  # they find the pool closed
        self._finalizer()
        self._forker.shutdown(wait=False)

    def __enter__(self) -> WorkerPoolEngine:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def _check_open(self) -> None:
        if self._closed:
            raise EngineClosed("the query engine has been shut down")

    def _spawn(self) -> _Worker:
        """Fork one worker and wait until it is ready (call with the lock held).

        Forking copies the locks other threads hold at that instant: if one of pyoxigraph's was held, the
        child hangs in its warm-up query, and is killed and forked again.
        """
        for _ in range(SPAWN_TRIES):
            parent_end, child_end = _FORK.Pipe(duplex=True)
            inherited = [w.conn for w in self._all] + [parent_end]  # the child closes its copies
            process = _FORK.Process(target=_worker_main, name="gbagraph-query-worker", daemon=True,
                                    args=(child_end, self.inner, self.max_result_bytes, self.memory_mb, inherited,
                                          os.getpid()))
            self._forker.submit(process.start).result()  # see _reset: the worker's parent-death signal
            _forget(process)
            child_end.close()
            try:
                if parent_end.poll(SPAWN_TIMEOUT) and parent_end.recv()[0] == "ready":
                    worker = _Worker(process, parent_end)
                    self._all.append(worker)
                    return worker
            except (EOFError, OSError):
                pass
            process.kill()
            process.join(5)
            parent_end.close()
        raise OSError(f"no query worker became ready in {SPAWN_TRIES} tries")

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker (stuck or dead) and fork its replacement."""
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
            self._top_up()

    def _room(self) -> bool:
        """May another worker be forked? (Call with the lock held.)  Up to ``workers`` at normal priority, and
        never more than ``max(workers, max_concurrent)`` in all: a slow query's demoted worker does not take a
        quick query's place, and the memory budget counts that many (``web.serve.memory_shared``)."""
        normal = sum(not w.demoted for w in self._all)
        return normal < self.workers and len(self._all) < max(self.workers, self.max_concurrent)

    def _top_up(self) -> None:
        """Fork a worker for the queries in line, or for the pool, if there is room (call with the lock held)."""
        if self._closed or not self._room() or (len(self._all) >= self.workers and not self._waiters):
            return
        try:
            self._release(self._spawn())
        except OSError:  # cannot fork now: _checkout forks one when next needed
            pass

    def _release(self, worker: _Worker) -> None:
        """Hand a free worker to the longest-waiting query, or make it idle (call with the lock held)."""
        if self._waiters:
            waiter = self._waiters.popleft()
            waiter.worker = worker
            waiter.ready.set()
        else:
            self._idle.append(worker)

    def _checkout(self, deadline: float) -> _Worker:
        """A free worker (forked if the pool is not full), waiting in line until ``deadline`` at most."""
        with self._lock:
            self._check_open()
            if self._idle:
                return self._idle.pop()
            if self._room():
                try:
                    return self._spawn()
                except OSError as exc:
                    raise TooBusy(f"cannot start a query worker now ({exc}); try again in a moment") from exc
            waiter = _Waiter()
            self._waiters.append(waiter)
        waiter.ready.wait(max(0.0, deadline - time.monotonic()))
        with self._lock:
            if waiter.worker is not None:
                return waiter.worker
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            self._check_open()
        raise TooBusy("no query worker became free in time; try again in a moment")

    def _checkin(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed:
                self._release(worker)

    # ---------------------------------------------------------------- queries

    def _likely_cause(self, worker: _Worker) -> str:
        if worker.process.exitcode == -signal.SIGABRT:  # the engine gave up: which reason, the worker cannot say
            limit = f"memory past the {self.memory_mb} MB a query may use, " if self.memory_mb else ""
            return f"the engine aborted (SIGABRT), e.g. on {limit}or on damaged data in the store"
        return "the query may be too complex"

    def limit_for(self, request: QueryRequest) -> float:
        """The seconds ``request`` may run: the pool's timeout, or less if the request asks for less."""
        asked = request.timeout
        if asked is None:
            return self.timeout
        if not isinstance(asked, int | float) or math.isnan(asked) or asked <= 0:
            raise QueryError(f"timeout must be a positive number of seconds, not {asked!r}")
        return min(float(asked), self.timeout)

    def answer(self, request: QueryRequest) -> Answer:
        """``inner.answer(request)`` in a worker: stopped (``QueryTimeout``) when it outruns its limit."""
        limit = self.limit_for(request)
        self._adopt()
        self._check_open()
        start = time.monotonic()
        if not self._slots.acquire(timeout=self.queue_wait):
            raise TooBusy(f"the server is already evaluating {self.max_concurrent} queries; "
                          "try again in a moment")
        try:
            worker = self._checkout(start + limit)
            if time.monotonic() >= start + limit:  # handed over just too late: no time left to run
                self._checkin(worker)
                raise TooBusy("no query worker became free in time; try again in a moment")
            return self._run(worker, request, start, limit)
        finally:
            self._slots.release()

    def _watch(self, worker: _Worker, until: float) -> list[Any]:
        """``wait`` for the worker's answer (or its end) until ``until``, watching the client's connection
        (:data:`CLIENT`) too: a client that has gone stops the query (``ClientGone``)."""
        client = CLIENT.get()
        watched: list[Any] = [worker.conn, worker.process.sentinel] + ([client] if client is not None else [])
        while True:
            ready = _ready(watched, until - time.monotonic())
            if client is None or client not in ready or worker.conn in ready:
                return [r for r in ready if r is not client]
            if _client_gone(client):
                self._discard(worker)
                raise ClientGone("the client closed the connection; its query was stopped")
            watched.remove(client)  # the client sent more (a pipelined request): it is there, stop watching
            client = None

    def _run(self, worker: _Worker, request: QueryRequest, start: float, limit: float) -> Answer:
        try:
            # plain pickle: multiprocessing's own pickler (for sockets and pipes) is not needed here, and slower
            worker.conn.send_bytes(pickle.dumps((request, max(0.0, start + limit - time.monotonic())),
                                                pickle.HIGHEST_PROTOCOL))
            ready = self._wait(worker, start + limit)
            if worker.conn in ready:
                status, payload = worker.conn.recv()
            elif ready:
                raise EOFError("worker exited")
            else:
                self._discard(worker)
                raise QueryTimeout(f"query stopped after {time.monotonic() - start:.1f} s (limit {limit:g} s); "
                                   "add a LIMIT or make the patterns more selective")
        except (EOFError, OSError, ValueError, pickle.UnpicklingError) as exc:
            self._discard(worker)
            self._check_open()
            raise WorkerCrashed(f"the query worker crashed ({_how(worker.process)}) while evaluating the "
                                f"query; it has been replaced — {self._likely_cause(worker)}") from exc
        if worker.demoted:
            self._discard(worker)  # a process cannot raise its own priority back: a fresh worker takes its place
        else:
            self._checkin(worker)
        if status == "ok":
            return cast(Answer, payload)
        raise _import_error(payload)

    def _wait(self, worker: _Worker, deadline: float) -> list[Any]:
        """Wait for the worker's answer (or its end) until ``deadline``; a query still running after
        ``SLOW_AFTER`` seconds has its worker's priority lowered, so that quick queries and pages keep the CPU."""
        ready = self._watch(worker, min(deadline, time.monotonic() + SLOW_AFTER))
        if ready or time.monotonic() >= deadline:
            return ready
        try:
            if worker.process.pid is not None:
                os.setpriority(os.PRIO_PROCESS, worker.process.pid, SLOW_NICE)
                with self._lock:
                    worker.demoted = True
                    self._top_up()  # the queries in line get a worker at normal priority
        except OSError:  # gone meanwhile, or not allowed: it keeps its priority
            pass
        return self._watch(worker, deadline)

