"""The SPARQL client: polite headers, bounded retries with backoff, Retry-After, the rate limit, clear errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from linkdata import free_port

from gbagraph import link

OK = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}})


class Scripted(ThreadingHTTPServer):
    """Answers each POST with the next (status, headers, body) of ``script`` and records the requests."""

    def __init__(self, script: list[tuple[int, dict[str, str], str]]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script = script
        self.seen: list[tuple[dict[str, str], dict[str, list[str]]]] = []


class Handler(BaseHTTPRequestHandler):
    server: Scripted

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self.server.seen.append((dict(self.headers), parse_qs(body)))
        status, headers, text = self.server.script.pop(0) if self.server.script else (200, {}, OK)
        data = text.encode()
        self.send_response(status)
        for k, v in {"Content-Type": "application/sparql-results+json", **headers}.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def scripted() -> Iterator[Scripted]:
    server = Scripted([])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def client(server: Scripted, sleeps: list[float], **kw: object) -> link.Client:
    host, port = server.server_address[:2]
    return link.Client(f"http://{host}:{port}/sparql", sleep=sleeps.append, min_interval=0, **kw)  # type: ignore[arg-type]


def test_polite_request(scripted: Scripted) -> None:
    c = client(scripted, [])
    assert c.select("SELECT * {}") == [{"x": {"type": "literal", "value": "1"}}]
    c.close()
    headers, form = scripted.seen[0]
    assert headers["User-Agent"].startswith("gbagraph/") and "reconciliation" in headers["User-Agent"]
    assert headers["Accept"] == "application/sparql-results+json"
    assert form["query"] == ["SELECT * {}"]


def test_retries_with_backoff_and_retry_after(scripted: Scripted) -> None:
    scripted.script += [(503, {}, "busy"), (429, {"Retry-After": "7"}, "slow down"), (200, {}, OK)]
    sleeps: list[float] = []
    c = client(scripted, sleeps, retries=3, backoff=0.5)
    assert c.select("SELECT * {}")
    c.close()
    assert c.requests_made == 3
    assert sleeps == [0.5, 7.0]  # first backoff, then the server's Retry-After


def test_retries_are_bounded(scripted: Scripted) -> None:
    scripted.script += [(503, {}, "down")] * 5
    sleeps: list[float] = []
    c = client(scripted, sleeps, retries=2, backoff=1.0)
    with pytest.raises(link.LinkError, match=r"no answer after 3 attempt\(s\): HTTP 503 down"):
        c.select("SELECT * {}")
    c.close()
    assert sleeps == [1.0, 2.0]


def test_client_errors_are_not_retried(scripted: Scripted) -> None:
    scripted.script += [(400, {"Content-Type": "text/plain"}, "Parse error at line 1")]
    c = client(scripted, [], retries=3)
    with pytest.raises(link.LinkError, match="query refused: HTTP 400 Parse error"):
        c.select("SELECT")
    c.close()
    assert c.requests_made == 1


def test_garbage_answer_is_an_error(scripted: Scripted) -> None:
    scripted.script += [(200, {"Content-Type": "text/html"}, "<html>hello</html>")]
    c = client(scripted, [])
    with pytest.raises(link.LinkError, match="not SPARQL JSON results"):
        c.select("SELECT * {}")
    c.close()


def test_rate_limit_spaces_requests(scripted: Scripted) -> None:
    sleeps: list[float] = []
    c = client(scripted, sleeps)
    c.min_interval = 5.0
    for _ in range(3):
        c.select("SELECT * {}")
    c.close()
    assert len(sleeps) == 2 and all(4.0 < s <= 5.0 for s in sleeps)


def test_unreachable_endpoint() -> None:
    port = free_port()  # nothing listens there
    sleeps: list[float] = []
    c = link.Client(f"http://127.0.0.1:{port}/sparql", retries=1, backoff=0.25, timeout=2, min_interval=0,
                    sleep=sleeps.append)
    with pytest.raises(link.LinkError, match=f"127.0.0.1:{port}/sparql: no answer after 2 attempt"):
        c.select("SELECT * {}")
    c.close()
    assert sleeps == [0.25]


def test_retry_after_as_an_http_date(scripted: Scripted) -> None:
    """Retry-After may be a date (RFC 9110): the wait is the time until it, capped by max_backoff."""
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    scripted.script += [(503, {"Retry-After": soon}, "busy"), (429, {"Retry-After": later}, "slow"), (200, {}, OK)]
    sleeps: list[float] = []
    c = client(scripted, sleeps, retries=3, backoff=0.5, max_backoff=60.0)
    assert c.select("SELECT * {}")
    c.close()
    assert c.requests_made == 3 and len(sleeps) == 2
    assert 25.0 < sleeps[0] <= 30.0 and sleeps[1] == 60.0
