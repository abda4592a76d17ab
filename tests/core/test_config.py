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


def test_base_iri_must_end_with_slash():
    with pytest.raises(GbagraphError, match="must end with"):
        settings(base_iri="http://example.org")


def test_from_env_coerces_types():
    s = Settings.from_env({"GBAGRAPH_QUERY_TIMEOUT": "2.5", "GBAGRAPH_VALIDATE": "no",
                           "GBAGRAPH_SERVICE_ALLOWLIST": "http://a/sparql, http://b/sparql"})
    assert s.query_timeout == 2.5
    assert s.validate is False
    assert s.service_allowlist == ("http://a/sparql", "http://b/sparql")


def test_settings_are_frozen():
    s = Settings()
    with pytest.raises(AttributeError):
        s.base_iri = "x"  # type: ignore[misc]


def test_root_given_as_text_is_a_path(tmp_path):
    assert Settings(root=str(tmp_path)).ontology_dir == tmp_path / "ontology"
