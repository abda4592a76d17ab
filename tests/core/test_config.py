from dataclasses import fields

import pytest

from gbagraph.config import SETTING_CHOICES, SETTING_HELP, Settings, settings
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


def _named_values(help_text: str) -> set[str]:
    """The values a help text names: the words it quotes ('owlrl', 'rules', …)."""
    import re

    return set(re.findall(r"'([a-z][a-z0-9_-]*)'", help_text))


@pytest.mark.parametrize("name", sorted(SETTING_CHOICES))
def test_every_value_a_help_text_names_is_accepted(name: str) -> None:
    """A setting that takes one of a few names accepts each name its help text offers, and its help text
    offers each name it accepts; the values come from one table (SETTING_CHOICES)."""
    choices = SETTING_CHOICES[name]
    assert _named_values(SETTING_HELP[name]) == set(choices), (name, choices)
    for value in choices:
        assert getattr(settings(**{name: value}), name) == value
        assert getattr(Settings.from_env({f"GBAGRAPH_{name.upper()}": value}), name) == value
    with pytest.raises(GbagraphError, match=f"unknown {name}"):
        settings(**{name: "no-such-value"})


#: quoted words in help texts that are not setting values (the /sparql request parameter)
NOT_VALUES = {"timeout"}


@pytest.mark.parametrize("name", sorted(SETTING_HELP))
def test_every_help_text_names_only_accepted_values(name: str) -> None:
    """Walk every setting's help text: each value it quotes ('rules' in reasoner_auto_limit's text too) is one a
    setting accepts."""
    accepted = {value for choices in SETTING_CHOICES.values() for value in choices}
    assert _named_values(SETTING_HELP[name]) - NOT_VALUES <= accepted, name
    assert {"engine", "reasoner"} <= set(SETTING_CHOICES)


def test_every_reasoner_is_one_the_reasoners_run() -> None:
    from gbagraph.reason import choose

    for value in SETTING_CHOICES["reasoner"]:
        assert choose(value, 10, 100) in SETTING_CHOICES["reasoner"]
