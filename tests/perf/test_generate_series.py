"""The benchmark generator keeps to its own series: no synthetic meeting, source or paragraph takes an IRI or an
ordinal of the real Joint Conference plenaries (which the curated data holds or will hold)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from benchmarks.generate import generate
from gbagraph.namespaces import BASE

GBA = BASE + "def/"
REAL_SERIES = URIRef(BASE + "id/meeting/hk-gd-joint-conference")


def test_synthetic_plenaries_are_a_series_of_their_own(tmp_path: Path) -> None:
    generate(tmp_path, 14_000, 2023)  # above the bundled data (~10.8k triples in 0.3.0)
    real = {p.name for p in (Path(__file__).resolve().parents[2] / "data").iterdir()}
    made = {p.name for p in (tmp_path / "data").iterdir()} - real
    assert made and all(name.startswith("synthetic-") for name in made), sorted(made)[:5]
    g = Graph()
    for folder in made:
        for path in (tmp_path / "data" / folder).glob("*.ttl"):
            g.parse(path)
    meetings = set(g.subjects(URIRef(GBA + "partOfSeries"), None))
    assert meetings
    assert REAL_SERIES not in set(g.objects(None, URIRef(GBA + "partOfSeries")))
    synthetic = {str(m) for m in meetings}
    assert all(m.startswith(BASE + "id/meeting/synthetic-") for m in synthetic), sorted(synthetic)[:3]
    minted = {str(s) for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(BASE + "id/")}
    assert not [s for s in minted if "hk-gd-joint-conference-plenary" in s]
