import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from gbagraph import formats
from gbagraph.export import make_dump, selected, serialize
from gbagraph.pipeline import prepare

DUMP_FORMATS = [f for f in formats.FORMATS if f.kind in ("graph", "dataset")]


@pytest.fixture(scope="module")
def mini_prepared(mini_settings):
    return prepare(mini_settings)


def _union(ds: Dataset) -> Graph:
    g = Graph()
    for ctx in ds.graphs():
        g += ctx
    return g


@pytest.mark.parametrize("inferred", [False, True], ids=["curated", "with-inferred"])
@pytest.mark.parametrize("fmt", DUMP_FORMATS, ids=lambda f: f.name)
def test_dump_reparses_to_an_isomorphic_graph(mini_prepared, fmt, inferred):
    body = serialize(mini_prepared.bundle, fmt, inferred=inferred)
    expected = selected(mini_prepared.bundle, inferred=inferred)
    if fmt.kind == "dataset":
        back = Dataset()
        back.parse(data=body, format=fmt.rdflib)
        names = {str(c.identifier) for c in back.graphs() if len(c)}
        assert names == {str(c.identifier) for c in expected.graphs() if len(c)}
        for ctx in expected.graphs():
            assert isomorphic(back.graph(ctx.identifier), ctx), ctx.identifier
    else:
        back = Graph().parse(data=body, format=fmt.rdflib)
        assert isomorphic(back, _union(expected))


def test_inferred_variant_holds_more(mini_prepared):
    fmt = formats.by_name("nt")
    curated = make_dump(mini_prepared.bundle, fmt, inferred=False)
    full = make_dump(mini_prepared.bundle, fmt, inferred=True)
    assert full.triples > curated.triples
    assert len(curated.sha256) == 64
    assert curated.name == "gbagraph.nt" and full.name == "gbagraph-inferred.nt"
