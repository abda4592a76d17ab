"""Shared fixtures: the project checkout, the tiny fixture graph, and prepared graphs (built once a session)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gbagraph.config import Settings
from gbagraph.pipeline import Prepared, prepare

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"


@pytest.fixture(scope="session", autouse=True)
def private_disk_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The disk cache of every test run (and of the servers it starts) goes to a temporary folder, never to the
    user's ``~/.cache/gbagraph``: a stale or foreign entry there must not decide a test."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="session")
def project_settings() -> Settings:
    return Settings(root=ROOT)


@pytest.fixture(scope="session")
def mini_settings() -> Settings:
    return Settings(root=MINI)


@pytest.fixture(scope="session")
def prepared(project_settings: Settings) -> Prepared:
    """The bundled graph, validated and inferred, with the in-process Oxigraph engine."""
    return prepare(project_settings)


@pytest.fixture(scope="session")
def prepared_rdflib(project_settings: Settings) -> Prepared:
    return prepare(project_settings.with_(engine="rdflib", validate=False))


@pytest.fixture()
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny fixture project."""
    target = tmp_path / "project"
    shutil.copytree(MINI, target)
    return target
