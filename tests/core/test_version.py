"""One version everywhere (issue 17: the ontology said 0.1.0 while the dataset was 0.2.0)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from gbagraph import __version__
from gbagraph.void import RELEASES

ROOT = Path(__file__).resolve().parents[2]


def test_package_citation_dataset_and_ontology_agree():
    ontology = Graph().parse(ROOT / "ontology" / "gbagraph.ttl")
    doc = URIRef("https://w3id.org/gbagraph/def/gba")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    citation = re.search(r'^version: "([^"]+)"', (ROOT / "CITATION.cff").read_text(encoding="utf-8"), re.M)
    assert citation is not None
    assert {__version__, project, citation.group(1), RELEASES[0][0], str(ontology.value(doc, OWL.versionInfo))} \
        == {"0.3.0"}
    assert ontology.value(doc, OWL.versionIRI) == URIRef("https://w3id.org/gbagraph/def/gba/0.3.0")
    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
