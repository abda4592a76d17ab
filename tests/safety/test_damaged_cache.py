"""Damaged cache entries and a damaged built store, on real files and real starts of ``gbagraph serve``: a
damaged entry is rebuilt, never served and never sealed into a store; a damaged store is detected at open and
rebuilt; ``/healthz`` says what state the store is in."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from load.server import Server, call, start

from gbagraph.config import Settings
from gbagraph.export import build_dump_files, dump_name
from gbagraph.formats import by_name
from gbagraph.namespaces import BASE
from gbagraph.pipeline import prepare

INFERRED_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/gbagraph/graph/inferred> { ?s ?p ?o } }"
ALL_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def count(server: Server, query: str) -> int:
    from urllib.parse import urlencode

    status, _headers, body, _seconds = call(server.port, "GET", "/sparql?" + urlencode({"query": query}),
                                            headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body[:300]
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A cache folder built by a first real start, and what that start served (all quads, inferred triples)."""
    cache = tmp_path_factory.mktemp("cache")
    server = start(env={"GBAGRAPH_CACHE_DIR": str(cache)}, workers=1)
    try:
        seen = {"all": count(server, ALL_COUNT), "inferred": count(server, INFERRED_COUNT)}
        assert server.health()["store"]["state"] == "verified"
    finally:
        server.stop()
    assert seen["inferred"] > 1000
    return cache, seen


@pytest.fixture()
def cache(reference: tuple[Path, dict[str, int]], tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "cache"
    shutil.copytree(reference[0], folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _inferred_file(cache: Path) -> Path:
    (path,) = (cache / "inferred").glob("*.nt")
    return path


def _drop_stores(cache: Path) -> None:
    shutil.rmtree(cache / "store")


def _cut_at_line(path: Path) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:1000]))


def _cut_mid_line(path: Path) -> None:
    body = path.read_bytes()
    path.write_bytes(body[: body.index(b"\n", len(body) // 2) - 7])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize("damage", [_empty, _cut_at_line, _cut_mid_line], ids=["empty", "cut-at-line", "cut-mid-line"])
def test_damaged_inferred_cache_is_recomputed_never_sealed(reference: tuple[Path, dict[str, int]], cache: Path,
                                                            damage: Callable[[Path], None]) -> None:
    damage(_inferred_file(cache))
    _drop_stores(cache)  # the next start must build the store, reading the inferred cache
    server = start(env={"GBAGRAPH_CACHE_DIR": str(cache)}, workers=1)
    try:
        assert count(server, INFERRED_COUNT) == reference[1]["inferred"]
        assert count(server, ALL_COUNT) == reference[1]["all"]
    finally:
        log = server.stop()
    assert "Traceback" not in log and "damaged" in log, log[-2000:]
    # what was sealed is whole: with the inferred cache gone the store still serves every triple
    for path in (cache / "inferred").iterdir():
        path.unlink()
    again = start(env={"GBAGRAPH_CACHE_DIR": str(cache)}, workers=1)
    try:
        assert count(again, INFERRED_COUNT) == reference[1]["inferred"]
    finally:
        again.stop()


def test_damaged_validation_verdict_is_recomputed(reference: tuple[Path, dict[str, int]], cache: Path) -> None:
    (verdict,) = [p for p in (cache / "valid").glob("*.json") if not p.name.endswith(".meta.json")]
    verdict.write_text('{"shapes": 0, "violations": []}', encoding="utf-8")  # well-formed, but not what was written
    _drop_stores(cache)
    prepared = prepare(Settings(cache_dir=str(cache), query_workers=0))
    validate = next(s for s in prepared.steps if s.name == "validate")
    assert not validate.cached and prepared.validation is not None and prepared.validation.shapes > 0


def _largest_sst(cache: Path) -> Path:
    (store,) = [p for p in (cache / "store").iterdir() if not p.name.startswith(".")]
    return max((store / "db").glob("*.sst"), key=lambda p: p.stat().st_size)


def test_random_bytes_in_an_sst_are_detected_at_open_and_rebuilt(reference: tuple[Path, dict[str, int]],
                                                                  cache: Path) -> None:
    sst = _largest_sst(cache)
    with sst.open("r+b") as fh:
        fh.seek(sst.stat().st_size // 2)
        fh.write(os.urandom(4096))
    server = start(env={"GBAGRAPH_CACHE_DIR": str(cache)}, workers=1)
    try:
        health = server.health()
        assert health["store"]["state"] == "verified", health
        assert count(server, ALL_COUNT) == reference[1]["all"]
    finally:
        log = server.stop()
    assert "damaged" in log and "rebuilding" in log and "Traceback" not in log, log[-2000:]


def test_a_damaged_dump_is_not_listed_and_is_written_again(tmp_path: Path) -> None:
    from gbagraph.diskcache import dump_meta

    prepared = prepare(Settings(cache_dir=str(tmp_path / "c"), query_workers=0, validate=False))
    fmt = by_name("nt", ("graph", "dataset"))
    name = dump_name(fmt, inferred=False)
    folder = tmp_path / "dumps"
    build_dump_files(prepared.store, BASE, fmt, folder, inferred=False)
    assert dump_meta(folder, name) is not None
    body = (folder / name).read_bytes()
    (folder / name).write_bytes(body[:-100] + os.urandom(100))  # same size, other bytes
    assert dump_meta(folder, name) is None
    assert not (folder / f"{name}.json").exists()  # so the dump builder writes it again
    build_dump_files(prepared.store, BASE, fmt, folder, inferred=False)
    assert dump_meta(folder, name) is not None and (folder / name).read_bytes() == body
    (folder / f"{name}.gz").write_bytes(b"")
    assert dump_meta(folder, name) is None


def test_a_big_store_is_checked_in_the_background(tmp_path: Path) -> None:
    """Above ``store_check_sync_mb`` the store is served at once and checked by a thread: ``verifying``, then
    ``damaged`` for a damaged file — and its marker is gone, so the next start rebuilds it."""
    import time

    settings = Settings(cache_dir=str(tmp_path / "c"), query_workers=0, store_check_sync_mb=0)
    assert prepare(settings).store_check.state()["state"] == "verified"  # just built
    sst = _largest_sst(tmp_path / "c")
    with sst.open("r+b") as fh:
        fh.seek(sst.stat().st_size // 3)
        fh.write(os.urandom(4096))
    check = prepare(settings).store_check
    deadline = time.monotonic() + 30
    while check.state()["state"] == "verifying" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert check.state()["state"] == "damaged" and sst.name in str(check.state()["problem"])
    rebuilt = prepare(settings)
    assert not rebuilt.steps[0].cached and rebuilt.store_check.state()["state"] == "verified"


class _Aborting:
    """An engine whose evaluation aborts (as pyoxigraph does on some damaged data): SIGABRT in the worker."""

    name = "aborting"

    def answer(self, request: object) -> object:
        from gbagraph.workers import WARM_UP

        if getattr(request, "query", None) != WARM_UP:  # a worker becomes ready, then its query aborts
            os.abort()
        return None


def test_a_workers_sigabrt_is_reported_as_an_abort() -> None:
    from gbagraph.query import QueryRequest
    from gbagraph.workers import WorkerCrashed, WorkerPoolEngine

    with WorkerPoolEngine(_Aborting(), workers=1, timeout=10.0, memory_mb=2048) as pool:  # type: ignore[arg-type]
        with pytest.raises(WorkerCrashed) as caught:
            pool.answer(QueryRequest("SELECT * { ?s ?p ?o }"))
    message = str(caught.value)
    assert "SIGABRT" in message and "aborted" in message and "needed more than" not in message, message
