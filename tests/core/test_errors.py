"""One exception tree: every error class lives in gbagraph.errors with its own status and title, and settings
are checked however they are built."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import gbagraph
from gbagraph import errors
from gbagraph.config import Settings, settings
from gbagraph.errors import GbagraphError, SettingsError


def gbagraph_modules() -> list[object]:
    names = [m.name for m in pkgutil.walk_packages(gbagraph.__path__, "gbagraph.")]
    return [importlib.import_module(n) for n in names if not n.endswith("__main__")]


def test_every_exception_class_is_defined_in_errors() -> None:
    for module in gbagraph_modules():
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__.startswith("gbagraph"):
                assert obj.__module__ == "gbagraph.errors", f"{module.__name__}.{name} is defined in {obj.__module__}"


def test_every_error_has_its_own_status_and_title() -> None:
    classes = [c for c in vars(errors).values() if inspect.isclass(c) and issubclass(c, GbagraphError)]
    assert len(classes) > 20
    for cls in classes:
        assert 400 <= cls.status <= 599 and cls.title, cls
        if cls.title == "Query error":  # the client's query: never a 403 or a 5xx
            assert cls.status == 400, cls
    titles = [c.title for c in classes]
    assert len(titles) == len(set(titles)), "two classes share a title"


def test_no_status_override_where_errors_are_raised() -> None:
    src = Path(gbagraph.__file__).parent
    for path in src.rglob("*.py"):
        if path.name != "errors.py":
            text = path.read_text(encoding="utf-8").replace("status=status", "")
            assert ", status=" not in text, path


@pytest.mark.parametrize(("key", "value"), [("engine", "blazegraph"), ("reasoner", "hermit"),
                                            ("public_url", "ftp://x/")])
def test_settings_check_values_however_built(key: str, value: str) -> None:
    for build in (lambda: Settings(**{key: value}), lambda: settings(**{key: value}),
                  lambda: Settings.from_env({f"GBAGRAPH_{key.upper()}": value}), lambda: Settings().with_(**{key: value})):
        with pytest.raises(SettingsError, match="(?i)" + key.split("_")[-1]):
            build()


def test_settings_normalise_however_built() -> None:
    assert Settings(public_url="https://x.example").public_url == "https://x.example/"
    assert Settings(service_allowlist=["http://a/sparql"]).service_allowlist == ("http://a/sparql",)


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("GBAGRAPH_ENGINE", "blazegraph", "unknown engine 'blazegraph'; use one of: oxigraph, rdflib"),
    ("GBAGRAPH_REASONER", "hermit", "unknown reasoner 'hermit'; use one of: owlrl, reasonable, rules, auto"),
    ("GBAGRAPH_QUERY_TIMEOUT", "soon", "GBAGRAPH_QUERY_TIMEOUT must be a number, not 'soon'"),
])
def test_cli_bad_setting_is_one_line(variable: str, value: str, says: str) -> None:
    done = subprocess.run([sys.executable, "-m", "gbagraph", "stats"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, variable: value})
    assert done.returncode == 2
    assert done.stderr == f"gbagraph: error: {says}\n"
