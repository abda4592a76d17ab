from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import PROV, RDF

from gbagraph.config import Settings
from gbagraph.errors import LoadError
from gbagraph.reference.loader import load

BASE = "https://w3id.org/gbagraph/"
PARA = URIRef(BASE + "id/source/mini-source/p01")


def test_each_file_is_its_own_named_graph(mini_settings):
    bundle = load(mini_settings)
    names = {str(c.identifier) for c in bundle.dataset.graphs() if len(c)}
    assert BASE + "graph/ontology" in names
    assert BASE + "graph/mini-source/p01" in names
    assert BASE + "graph/mini-source/source" in names
    assert BASE + "graph/provenance" in names


def test_loader_records_paragraph_provenance(mini_settings):
    bundle = load(mini_settings)
    prov = bundle.provenance
    assert (URIRef(BASE + "graph/mini-source/p01"), PROV.wasDerivedFrom, PARA) in prov
    assert (URIRef(BASE + "id/person/ada-example"), PROV.wasDerivedFrom, PARA) in prov
    # the source description itself is not derived from a paragraph
    assert (PARA, PROV.wasDerivedFrom, None) not in prov


def test_default_graph_is_the_union(mini_settings):
    bundle = load(mini_settings)
    assert (URIRef(BASE + "id/person/bo-example"), RDF.type, URIRef(BASE + "def/Official")) in bundle.dataset


def test_iris_are_canonical_whatever_the_public_url(mini_settings):
    bundle = load(mini_settings.with_(public_url="http://127.0.0.1:8000/"))
    iris = {str(t) for triple in bundle.dataset for t in triple if isinstance(t, URIRef)}
    assert BASE + "id/person/ada-example" in iris
    assert not any(i.startswith("http://127.0.0.1:8000/") for i in iris)


def test_broken_turtle_names_file_and_line(mini_copy: Path):
    bad = mini_copy / "data" / "mini-source" / "p02.ttl"
    bad.write_text('@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n', encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load(Settings(root=mini_copy))
    message = str(info.value)
    assert message.startswith("data/mini-source/p02.ttl:3: ")
    assert "\n" not in message


def test_undecodable_file_is_a_load_error(mini_copy: Path):
    (mini_copy / "data" / "mini-source" / "p03.ttl").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(LoadError, match="p03.ttl: cannot read"):
        load(Settings(root=mini_copy))


def test_missing_data_folder(tmp_path: Path):
    (tmp_path / "ontology").mkdir()
    (tmp_path / "ontology" / "o.ttl").write_text("", encoding="utf-8")
    with pytest.raises(LoadError, match="no data folder"):
        load(Settings(root=tmp_path))
