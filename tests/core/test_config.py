from dataclasses import fields

import pytest

from gbagraph.config import SETTING_HELP, Settings, settings
from gbagraph.errors import GbagraphError

ROOT_README = __import__("pathlib").Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_has_help_and_is_documented_in_readme():
    readme = ROOT_README.read_text(encoding="utf-8")
    for f in fields(Settings):
        assert SETTING_HELP[f.name].strip(), f.name
        assert f"`{f.name}`" in readme, f"setting {f.name} missing from README"


def test_unknown_setting_rejected():
    with pytest.raises(GbagraphError, match="unknown setting"):
        settings(bogus=1)


def test_public_url_must_be_http_and_gets_a_trailing_slash():
    with pytest.raises(GbagraphError, match="http"):
        settings(public_url="ftp://example.org/")
    assert settings(public_url="https://kg.example.net").public_url == "https://kg.example.net/"


def test_base_iri_is_gone():
    """IRIs are canonical (https://w3id.org/gbagraph/...): no setting rewrites them any more."""
    with pytest.raises(GbagraphError, match="unknown setting"):
        settings(base_iri="http://example.org/")


def test_from_env_coerces_types():
    s = Settings.from_env({"GBAGRAPH_QUERY_TIMEOUT": "2.5", "GBAGRAPH_VALIDATE": "no",
                           "GBAGRAPH_SERVICE_ALLOWLIST": "http://a/sparql, http://b/sparql"})
    assert s.query_timeout == 2.5
    assert s.validate is False
    assert s.service_allowlist == ("http://a/sparql", "http://b/sparql")


def test_settings_are_frozen():
    s = Settings()
    with pytest.raises(AttributeError):
        s.public_url = "x"  # type: ignore[misc]


def test_root_given_as_text_is_a_path(tmp_path):
    assert Settings(root=str(tmp_path)).ontology_dir == tmp_path / "ontology"
