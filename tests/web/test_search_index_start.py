"""The search index after a cold start of a big graph is built by another process while the server answers
(issue 22: 20-40 s of the 1M cold start); a search meanwhile gets 503 with Retry-After, then answers."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from gbagraph.config import Settings
from gbagraph.errors import IndexPending
from gbagraph.pipeline import prepare
from gbagraph.search import INDEX_FILE, builder_lock, building
from gbagraph.web import create_app


@pytest.fixture()
def app_and_folder(mini_copy: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    prepared = prepare(Settings(root=mini_copy, cache_dir=str(tmp_path / "cache"), query_workers=0))
    app = create_app(prepared=prepared)  # a small graph: its index is built now
    folder = prepared.dumps_folder
    assert folder is not None and (folder / INDEX_FILE).is_file()
    return app, folder


def test_the_index_is_built_beside_by_another_process(app_and_folder) -> None:  # type: ignore[no-untyped-def]
    app, folder = app_and_folder
    (folder / INDEX_FILE).unlink()
    fresh = dataclasses.replace(app.extensions["gbagraph"])  # the same prepared store, nothing opened yet
    assert fresh.start_search_index(beside=True)
    lock = builder_lock(folder)
    assert lock.is_file() and int(lock.read_text()) != os.getpid()
    assert fresh.index_builder is not None and fresh.index_builder.wait(120) == 0
    assert not building(folder)
    assert not lock.exists() and (folder / INDEX_FILE).is_file()
    assert [str(m.iri).rsplit("/", 1)[-1] for m in fresh.labels.find("ada example")] == ["ada-example"]
    assert not fresh.start_search_index(beside=True)  # the file is there: nothing to build


def test_a_search_while_the_index_is_built_answers_503_then_the_matches(app_and_folder) -> None:  # type: ignore[no-untyped-def]
    app, folder = app_and_folder
    (folder / INDEX_FILE).unlink()
    app.extensions["gbagraph"] = fresh = dataclasses.replace(app.extensions["gbagraph"])
    builder_lock(folder).write_text(str(os.getpid()))  # a live builder (this process) holds the lock
    client = app.test_client()
    with pytest.raises(IndexPending):
        fresh.labels  # noqa: B018
    busy = client.get("/search?q=ada")
    assert busy.status_code == 503 and busy.headers["Retry-After"] and b"search index" in busy.data
    assert client.get("/healthz").status_code == 200
    builder_lock(folder).unlink()  # the builder is gone without a file: this process builds it
    found = client.get("/search?q=ada example")
    assert found.status_code in (200, 303) and (found.status_code == 200 or "ada-example" in found.headers["Location"])
    assert (folder / INDEX_FILE).is_file()
