"""``gbagraph serve`` (gunicorn) in a subprocess on a free loopback port, for the HTTP safety and load tests.

stdout and stderr are kept apart in temporary files, so a test can read the access log (stderr); ``stop`` ends
the whole process group (SIGTERM, then SIGKILL after a bounded wait) so that no server outlives its test.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tooling import children

REPO = Path(__file__).resolve().parents[2]


def call(port: int, method: str, target: str, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 30) -> tuple[int, dict[str, str], bytes, float]:
    """(status, headers, body, seconds) of one raw request on a fresh connection to 127.0.0.1:port."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start_time = time.monotonic()
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data, time.monotonic() - start_time
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    """Is anything accepting connections on 127.0.0.1:``port``?"""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    stdout: tempfile._TemporaryFileWrapper
    stderr: tempfile._TemporaryFileWrapper
    env: dict[str, str] = field(default_factory=dict)
    closed: dict[str, str] | None = None  # what it wrote, once stopped


    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log(self) -> str:
        """Everything the server wrote to stderr so far (gunicorn's access and error logs)."""
        if self.closed is not None:
            return self.closed["stderr"]
        with open(self.stderr.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def output(self) -> str:
        """Everything the server wrote to stdout."""
        if self.closed is not None:
            return self.closed["stdout"]
        with open(self.stdout.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def health(self, timeout: float = 5) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200, (response.status, body[:200])
            return json.loads(body)
        finally:
            conn.close()

    def pids(self) -> list[int]:
        """The gunicorn master and every process below it (server workers, query workers)."""
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children(pid))  # forked by any of its threads
        return out

    def rss_bytes(self) -> int:
        """Resident memory of the whole server (master + children), from /proc."""
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/status", encoding="ascii") as f:
                    total += next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))
            except (OSError, StopIteration):
                pass
        return total

    def stop(self) -> str:
        """Stop the server and its process group; return its stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:  # whatever is left of the group (a stuck worker): killed
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(timeout=5)
        if self.closed is None:
            self.closed = {"stderr": self.log(), "stdout": self.output()}
            self.stderr.close()  # and deleted
            self.stdout.close()
        return self.log()


def start(root: Path | None = None, *, workers: int = 2, env: dict[str, str] | None = None,
          wait: float = 90, port: int | None = None) -> Server:
    """``gbagraph serve`` on ``port`` (default: a free one) with ``env`` added to the environment; returns once
    it answers."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "gbagraph", *(["--root", str(root)] if root else []), "serve",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    out = tempfile.NamedTemporaryFile("w+", prefix="gbagraph-out-", suffix=".log", delete=True)
    err = tempfile.NamedTemporaryFile("w+", prefix="gbagraph-err-", suffix=".log", delete=True)
    proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=full_env, start_new_session=True, cwd=REPO)
    server = Server(proc, port, out, err, env or {})
    if wait:
        wait_until_up(server, wait)
    return server


def wait_until_up(server: Server, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise AssertionError(f"server exited {server.proc.returncode}:\n{server.stop()[-3000:]}")
        try:
            server.health(timeout=2)
            return
        except (OSError, AssertionError, http.client.HTTPException):
            time.sleep(0.2)
    log = server.stop()
    raise AssertionError(f"server did not answer /healthz within {seconds} s:\n{log[-3000:]}")
