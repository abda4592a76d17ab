"""The benchmark generator (the data of the load and scale suites): it keeps to its own series — no synthetic
meeting, source or paragraph takes an IRI or an ordinal of the real Joint Conference plenaries (which the curated
data holds or will hold) — is deterministic, and writes data that conforms and loads as many triples as it says
(those two are slow; smaller under ``GBAGRAPH_SHORT=1``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from tooling import short

from benchmarks.generate import Generator, Para, Pools, count_triples, generate
from gbagraph.namespaces import BASE

GBA = BASE + "def/"
REAL_SERIES = URIRef(BASE + "id/meeting/hk-gd-joint-conference")
ROOT = Path(__file__).resolve().parents[2]


def above_bundled(extra: int) -> int:
    """A target ``extra`` triples above the bundled data, however much the curated data has grown (a fixed target
    stops yielding any synthetic plenary once the data passes it)."""
    return count_triples(ROOT) + extra


def test_synthetic_plenaries_are_a_series_of_their_own(tmp_path: Path) -> None:
    generate(tmp_path, above_bundled(3_000), 2023)
    real = {p.name for p in (ROOT / "data").iterdir()}
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


@pytest.mark.slow
def test_generator_is_deterministic_and_sized(tmp_path: Path) -> None:
    from benchmarks.generate import generate

    size = 2000 if short() else 6000
    a = generate(tmp_path / "a", size)
    b = generate(tmp_path / "b", size)
    assert a == b and a["asserted_triples_estimate"] >= size
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.ttl"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.ttl"))
    assert files_a == files_b
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a)


@pytest.mark.slow
def test_generated_data_conforms_and_loads_as_estimated(tmp_path: Path) -> None:
    from benchmarks.generate import generate
    from gbagraph.config import Settings
    from gbagraph.reference.loader import load
    from gbagraph.validate import validate

    manifest = generate(tmp_path / "g", above_bundled(3_000))  # the bundled data and a few synthetic plenaries
    assert manifest["plenaries"] >= 2
    settings = Settings(root=tmp_path / "g")
    bundle = load(settings)
    assert len(bundle.asserted()) == pytest.approx(manifest["asserted_triples_estimate"], rel=0.02)
    if settings.shapes_file.exists():
        result = validate(bundle, settings.shapes_file)
        assert result.conforms, result.text()[:2000]


def test_a_synthetic_plenary_has_two_different_co_chairs(tmp_path: Path) -> None:
    """The series shape counts two co-chairs: a plenary whose two draws fell on one person did not conform (the 154th
    at 1M). With two people to draw from, a clash is all but certain in 50 plenaries unless it is drawn again."""
    gen = Generator(tmp_path, 0)
    pools = Pools(people=["person:a", "person:b"], bodies=["body:x"], posts=["post:p"], places=["place:q"],
                  series="meeting:s", concepts={"role": ["role:co-chair", "role:special-guest"]},
                  post_body={"post:p": "body:x"})
    for k in range(1, 51):
        para = Para()
        gen.meeting_paragraph(para, pools, k, f"meeting:m{k}", 2030)
        chairs = [o for p, o in para.subjects[f"meeting:m{k}"] if p == "gba:coChair"]
        assert sorted(chairs) == ["person:a", "person:b"], k
