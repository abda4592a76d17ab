"""The HTTP front: gunicorn's threaded worker (``gthread``) with a deadline on reading each request's head.

gunicorn's ``gthread`` worker keeps idle connections in its event loop (they take no thread), but once a client
has sent a first byte a thread reads the request line and headers with a blocking socket and no limit: a client
dripping a byte a second holds that thread for ever, and a few of them take every thread.  :class:`FrontWorker`
gives each request head ``head_timeout`` seconds in all from its first byte (then the connection is closed),
each later read of a body ``head_timeout`` seconds of silence at most, and a client that stops reading its
answer (its window stays full) as long before it is cut off.  Queries themselves run in the query
worker processes (``gbagraph.workers``): a thread waiting on one only waits on a pipe.

A thread that has answered on a kept-alive connection waits there up to ``linger`` seconds for the client's next
request and answers it itself: gunicorn's own path (the connection back to the main loop's poller, the main
thread woken when it is readable, the request queued for a thread, that thread woken) costs three wake-ups per
request instead of one, milliseconds each on a busy machine.  A connection quiet for ``linger`` goes back to the
poller as before, so idle clients still hold no thread for longer than that.
"""

from __future__ import annotations

import errno
import logging
import select
import socket
import time
from typing import Any

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import ThreadWorker

_log = logging.getLogger("gunicorn.error")

#: the most bytes handed to one send() of an answer
SEND_CHUNK = 1 << 20
#: seconds a thread waits on its kept-alive connection for the next request before handing it back to the poller
LINGER = 0.05
#: reading modes of a connection: its request head (total deadline), a body (silence limit), or neither
HEAD, BODY, FREE = "head", "body", "free"


class DeadlineSocket:
    """A client socket whose reads in a worker thread (a blocking socket) are bounded in time; everything
    else goes to the socket itself."""

    def __init__(self, sock: socket.socket, limit: float) -> None:
        self._sock = sock
        self.limit = limit
        self.mode = FREE
        self.deadline: float | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def head(self) -> None:
        """A new request head is to be read: its clock starts at its first read."""
        self.mode, self.deadline = HEAD, None

    def body(self) -> None:
        """The head is read: the rest may take as long as it needs, but may not go silent."""
        self.mode, self.deadline = BODY, None

    def recv(self, size: int, *flags: int) -> bytes:
        if self.mode == FREE or self._sock.gettimeout() is not None:  # gunicorn's own timed reads (closing)
            return self._sock.recv(size, *flags)
        wait = self.limit
        if self.mode == HEAD:
            now = time.monotonic()
            if self.deadline is None:
                self.deadline = now + self.limit
            wait = self.deadline - now
        if wait <= 0:
            raise self._timeout()
        self._sock.settimeout(wait)
        try:
            return self._sock.recv(size, *flags)
        except TimeoutError:
            raise self._timeout() from None
        finally:
            if self._sock.fileno() >= 0:
                self._sock.settimeout(None)

    def sendall(self, data: Any, *flags: int) -> None:
        """Send everything, waiting at most ``limit`` seconds each time the client's window is full: a client
        that stops reading its answer is cut off, one that reads slowly is not."""
        if self._sock.gettimeout() is not None:
            self._sock.sendall(data, *flags)
            return
        view = memoryview(data).cast("B")
        self._sock.settimeout(self.limit)
        try:
            while view:
                view = view[self._sock.send(view[:SEND_CHUNK], *flags):]
        except TimeoutError:
            raise self._stalled() from None
        finally:
            if self._sock.fileno() >= 0:
                self._sock.settimeout(None)

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        """``socket.sendfile`` with the same silence limit (it waits at most the socket's timeout per chunk)."""
        if self._sock.gettimeout() is not None:
            return self._sock.sendfile(file, offset, count)
        self._sock.settimeout(self.limit)
        try:
            return self._sock.sendfile(file, offset, count)
        except TimeoutError:
            raise self._stalled() from None
        finally:
            if self._sock.fileno() >= 0:
                self._sock.settimeout(None)

    def _stalled(self) -> BrokenPipeError:
        """What a send past its time raises: a broken pipe, which gunicorn closes quietly."""
        _log.info("closing the connection of %s: it read none of its answer for %g s", self._peer(), self.limit)
        return BrokenPipeError(errno.EPIPE, "the client stopped reading")

    def _peer(self) -> Any:
        try:
            return self._sock.getpeername()
        except OSError:
            return "?"

    def _timeout(self) -> NoMoreData:
        """What a read past its time raises: gunicorn's "client went away", which closes the connection."""
        what = "its request line and headers" if self.mode == HEAD else "more of its request body"
        self.mode = FREE
        _log.info("closing the connection of %s: it did not send %s within %g s", self._peer(), what, self.limit)
        return NoMoreData()


class FrontWorker(ThreadWorker):  # type: ignore[misc]
    """``gthread`` with :class:`DeadlineSocket` reads; ``head_timeout`` comes from the ``GunicornServer``
    options (gunicorn has no setting for it: it is set on the class by :func:`front_worker`)."""

    head_timeout = 10.0
    linger = LINGER

    def handle(self, conn: Any) -> Any:
        """gunicorn's ``handle``, then the connection's next requests while they come within ``linger``."""
        result = super().handle(conn)
        while result is True and self.alive and not conn.is_http2 and self._next_request_comes(conn):
            if isinstance(conn.sock, DeadlineSocket):
                conn.sock.head()
            result = super().handle(conn)
        return result

    def _next_request_comes(self, conn: Any) -> bool:
        """Whether the client sends more (or closes) within ``linger`` seconds."""
        if self.linger <= 0:
            return False
        if conn.parser.unreader.buf.getvalue():  # read ahead with the last body: the socket may stay quiet
            return True
        poller = select.poll()
        poller.register(conn.sock.fileno(), select.POLLIN)
        return bool(poller.poll(self.linger * 1000))

    def enqueue_req(self, conn: Any) -> None:
        if not isinstance(conn.sock, DeadlineSocket):
            conn.sock = DeadlineSocket(conn.sock, self.head_timeout)
        conn.sock.head()
        super().enqueue_req(conn)

    def handle_request(self, req: Any, conn: Any) -> Any:
        if isinstance(conn.sock, DeadlineSocket):
            conn.sock.body()
        return super().handle_request(req, conn)


def front_worker(head_timeout: float) -> type[FrontWorker]:
    """A :class:`FrontWorker` class with this head timeout (a subclass: nothing shared is changed)."""
    return type("FrontWorker", (FrontWorker,), {"head_timeout": float(head_timeout)})
