"""docs/deploy.md's nginx block really caches /sparql: Debian's nginx, run with that very block (TLS and the
public host swapped for a free loopback port, the cache folder for a temporary one) in front of a real
``gbagraph serve`` on 127.0.0.1.  The second identical GET is a HIT; after ``sparql_max_age`` seconds the answer
is revalidated with its ETag (304 from the server); errors are never kept.

Slow (it starts nginx and gunicorn); the same checks under ``GBAGRAPH_SHORT=1``, which take a few seconds."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from tooling import require_tool, stop_process

from .conftest import free_port, start, stop, wait_until_up

pytestmark = pytest.mark.slow

DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
QUERY = {"query": "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 2"}
JSON = {"Accept": "application/sparql-results+json"}
TIMEOUT = 30
MAX_AGE = 2


def doc_block() -> str:
    """The ```nginx block of docs/deploy.md, as written."""
    found = re.search(r"```nginx\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert found, "docs/deploy.md has no nginx block"
    return found.group(1)


def local_config(block: str, prefix: Path, listen: int, upstream: int) -> str:
    """The doc's block for this machine: plain HTTP on a loopback port instead of TLS on 443, the redirecting
    server on another free port, the upstream and the cache folder here; everything else as documented."""
    text = block.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{listen};")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
    text = re.sub(r"^\s*ssl_certificate(_key)?\s.*\n", "", text, flags=re.M)
    text = text.replace("http://127.0.0.1:8000", f"http://127.0.0.1:{upstream}")
    text = text.replace("/var/cache/nginx/gbagraph", str(prefix / "cache"))
    assert "443" not in text and ":8000" not in text and "/var/" not in text, text
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in kinds)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must write the cache folder under a private /tmp
    return (f"{user}pid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\nevents {{}}\n"
            f"http {{\n    access_log {prefix / 'access.log'};\n{temp}\n{text}\n}}\n")


@pytest.fixture(scope="module")
def proxied(mini_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``gbagraph serve`` (max-age of MAX_AGE seconds) behind nginx configured from the doc; nginx's URL."""
    nginx = require_tool("nginx", "apt-get install nginx")
    upstream, listen = free_port(), free_port()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GBAGRAPH_SPARQL_MAX_AGE", str(MAX_AGE))
        server = start(mini_root, upstream)
    prefix = tmp_path_factory.mktemp("nginx")
    conf = prefix / "nginx.conf"
    conf.write_text(local_config(doc_block(), prefix, listen, upstream), encoding="utf-8")
    proxy = None
    try:
        wait_until_up(f"http://127.0.0.1:{upstream}/healthz", server)
        checked = subprocess.run([nginx, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True,
                                 timeout=30)
        assert checked.returncode == 0, checked.stderr
        proxy = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_up(f"http://127.0.0.1:{listen}/healthz", proxy)
        yield f"http://127.0.0.1:{listen}/sparql"
    finally:
        if proxy is not None:
            stop_process(proxy)
        stop(server)


def _get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, params=QUERY, headers={**JSON, **headers}, timeout=TIMEOUT)


def test_the_documented_nginx_block_caches_sparql_answers(proxied: str) -> None:
    first, second = _get(proxied), _get(proxied)
    assert first.status_code == second.status_code == 200
    assert first.headers["Cache-Control"] == f"public, max-age={MAX_AGE}"
    assert (first.headers["X-Cache-Status"], second.headers["X-Cache-Status"]) == ("MISS", "HIT")
    assert second.content == first.content and second.headers["ETag"] == first.headers["ETag"]

    other_format = _get(proxied, Accept="text/csv")  # Accept is part of the key: another answer
    assert other_format.headers["X-Cache-Status"] == "MISS" and other_format.headers["Content-Type"].startswith("text/csv")

    conditional = _get(proxied, **{"If-None-Match": first.headers["ETag"]})
    assert conditional.status_code == 304

    statuses = []
    for _ in range(4):  # once stale (nginx counts whole seconds), nginx asks the server again, with the ETag
        time.sleep(MAX_AGE + 0.6)
        revalidated = _get(proxied)
        statuses.append(revalidated.headers["X-Cache-Status"])
        if statuses[-1] != "HIT":
            break
    assert statuses[-1] == "REVALIDATED", statuses
    assert revalidated.content == first.content


def test_errors_are_never_kept(proxied: str) -> None:
    bad = {"query": "SELECT * WHERE { ?s ?p "}
    answers = [requests.get(proxied, params=bad, headers=JSON, timeout=TIMEOUT) for _ in range(2)]
    assert [a.status_code for a in answers] == [400, 400]
    assert all(a.headers["Cache-Control"] == "no-store" for a in answers)
    assert [a.headers.get("X-Cache-Status") for a in answers] == ["MISS", "MISS"]
