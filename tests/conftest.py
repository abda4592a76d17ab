"""Shared fixtures: the project checkout, the tiny fixture graph, and prepared graphs (built once a session)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gbagraph.config import Settings
from gbagraph.pipeline import Prepared, prepare

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"


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
