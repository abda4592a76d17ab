"""The Oxigraph-native start: the store parsed straight from the files holds what the rdflib loader held and
answers every competency query as before; it is built aside and trusted only when complete; a bad file stops
the start with file and line and leaves nothing; warm starts come from the cache."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic
from tooling import short

from gbagraph.config import DEFAULT_PUBLIC_URL, Settings
from gbagraph.errors import LoadError
from gbagraph.namespaces import BASE, graph_iri
from gbagraph.pipeline import Prepared, policy_for, prepare
from gbagraph.query import OxigraphEngine, QueryRequest
from gbagraph.reason import closure
from gbagraph.reference.loader import load
from gbagraph.sparqltext import service_targets
from gbagraph.void import count, dataset_description

from .test_engine_agreement import compare

ROOT = Path(__file__).resolve().parents[2]
QUERIES = [p for p in sorted((ROOT / "queries").rglob("*.rq")) if not service_targets(p.read_text(encoding="utf-8"))]


def todays_store(settings: Settings) -> ox.Store:
    """The served dataset as the rdflib path built it: rdflib load, owlrl closure, copied into pyoxigraph."""
    bundle = load(settings)
    bundle.graph("inferred").__iadd__(closure(bundle.asserted(links=False)).inferred)
    store = OxigraphEngine.from_dataset(bundle.dataset).store
    void = dataset_description(store, BASE, DEFAULT_PUBLIC_URL).serialize(format="nt", encoding="utf-8")
    store.bulk_load(void, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri(BASE, "void")))
    store.bulk_load(void, format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[OxigraphEngine, Prepared]:
    """The store path and the rdflib reference path on the bundled graph (an equivalence suite: slow, every
    fourth query under ``GBAGRAPH_SHORT=1``)."""
    settings = Settings(root=ROOT, cache_dir=str(tmp_path_factory.mktemp("cache")), query_workers=0,
                        reasoner="owlrl")
    prepared = prepare(settings)
    return OxigraphEngine(todays_store(settings), policy_for(settings)), prepared


def _graph(store: ox.Store, name: ox.NamedNode | ox.DefaultGraph) -> Graph:
    return Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name) or b"", format="nt")


@pytest.mark.slow
def test_same_named_graphs_with_the_same_triples(both: tuple[OxigraphEngine, Prepared]) -> None:
    today, prepared = both
    old, new = today.store, prepared.store
    assert {g.value for g in old.named_graphs()} == {g.value for g in new.named_graphs()}
    assert len(list(new.named_graphs())) > 30
    for name in [*old.named_graphs(), ox.DefaultGraph()]:
        assert isomorphic(_graph(old, name), _graph(new, name)), name


@pytest.mark.slow
@pytest.mark.parametrize("path", QUERIES[::4] if short() else QUERIES, ids=lambda p: p.stem)
def test_competency_queries_answer_as_before(both: tuple[OxigraphEngine, Prepared], path: Path) -> None:
    today, prepared = both
    compare(path.read_text(encoding="utf-8"), today, prepared.engine)


def _settings(root: Path, cache: Path) -> Settings:
    return Settings(root=root, cache_dir=str(cache), query_workers=0)


def test_warm_start_opens_the_store_and_parses_nothing(mini_copy: Path, tmp_path: Path) -> None:
    cold = prepare(_settings(mini_copy, tmp_path))
    assert not any(s.cached for s in cold.steps)
    warm = prepare(_settings(mini_copy, tmp_path))
    assert [(s.name, s.cached) for s in warm.steps] == [("open", True), ("validate", True), ("engine", True)]
    # a template or query file is no input: editing one rebuilds nothing
    (mini_copy / "queries").mkdir(exist_ok=True)
    (mini_copy / "queries" / "new.rq").write_text("SELECT * { ?s ?p ?o }", encoding="utf-8")
    assert all(s.cached for s in prepare(_settings(mini_copy, tmp_path)).steps)
    # editing the shapes re-validates (from the cached store), and re-parses nothing
    shapes = mini_copy / "ontology" / "shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    steps = {s.name: s.cached for s in prepare(_settings(mini_copy, tmp_path)).steps}
    assert steps == {"open": True, "validate": False, "engine": True}
    q = QueryRequest("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", format="json")
    assert cold.engine.answer(q).body == warm.engine.answer(q).body


def test_parse_error_names_file_and_line_and_leaves_nothing(mini_copy: Path, tmp_path: Path) -> None:
    bad = mini_copy / "data" / "mini-source" / "p01.ttl"
    bad.write_text(bad.read_text(encoding="utf-8") + "\n\nperson:x gba:name \"unterminated .\n", encoding="utf-8")
    lines = bad.read_text(encoding="utf-8").count("\n")
    with pytest.raises(LoadError) as info:
        prepare(_settings(mini_copy, tmp_path))
    assert str(info.value).startswith(f"data/mini-source/p01.ttl:{lines}:"), str(info.value)
    assert [p.name for p in (tmp_path / "store").iterdir()] == []


def test_damaged_store_is_rebuilt(mini_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = prepare(_settings(mini_copy, tmp_path))
    count = first.engine.answer(QueryRequest("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", format="json")).body
    del first
    (folder,) = (tmp_path / "store").iterdir()
    for sst in (folder / "db").glob("*.sst"):
        sst.write_bytes(b"garbage")
    (folder / "gbagraph-store.json").write_text(json.dumps({"key": folder.name, "graphs": 1}))
    again = prepare(_settings(mini_copy, tmp_path))
    assert not again.steps[0].cached
    assert "damaged or incomplete" in caplog.text
    assert again.engine.answer(QueryRequest("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", format="json")).body == count


def test_unwritable_cache_starts_without_it(mini_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    prepared = prepare(_settings(mini_copy, blocker / "cache"))
    assert "starting without the cache" in caplog.text
    assert prepared.engine.answer(QueryRequest("ASK { ?s ?p ?o }", format="json")).body.count(b"true") == 1


@pytest.mark.slow  # two real server starts; test_damaged_store_is_rebuilt covers the rebuild in-process
def test_start_killed_half_way_leaves_nothing_trusted(mini_copy: Path, tmp_path: Path) -> None:
    """SIGKILL a server during its cold start (while the store is being built); the next start rebuilds it and
    serves the same answers as an in-process start."""
    from web.conftest import free_port, stop, wait_until_up

    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONUNBUFFERED": "1"}

    def serve(port: int) -> subprocess.Popen:
        cmd = [sys.executable, "-m", "gbagraph", "--root", str(mini_copy), "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", "1"]
        log = open(tmp_path / f"log-{port}", "w+", encoding="utf-8")  # noqa: SIM115 (read by stop)
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        proc.log = log  # type: ignore[attr-defined]
        return proc

    first = serve(free_port())
    deadline = time.monotonic() + 60
    while not list((cache / "gbagraph" / "store").glob(".tmp-*/db")) and time.monotonic() < deadline:
        assert first.poll() is None, "the start ended before the store was being built"
        time.sleep(0.005)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    first.log.close()  # type: ignore[attr-defined]
    assert not [p for p in (cache / "gbagraph" / "store").iterdir() if not p.name.startswith(".tmp-")]
    port = free_port()
    second = serve(port)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/sparql", second, seconds=120)
        reference = prepare(Settings(root=mini_copy, cache=False, query_workers=0))
        for path in sorted((mini_copy / "queries").glob("*.rq")) or QUERIES[:3]:
            query = path.read_text(encoding="utf-8")
            got = requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": query},
                               headers={"Accept": "text/csv"}, timeout=30)
            want = reference.engine.answer(QueryRequest(query, format="csv"))
            assert got.status_code == 200 and sorted(got.content.splitlines()) == sorted(want.body.splitlines())
    finally:
        log = stop(second)
        second.log.close()  # type: ignore[attr-defined]
    assert "left by a process that did not finish" in log
    names = [p.name for p in (cache / "gbagraph" / "store").iterdir()]
    assert len(names) == 1 and not names[0].startswith(".tmp-")
    shutil.rmtree(cache, ignore_errors=True)


def _dump_sorted(prepared: Prepared) -> list[bytes]:
    return sorted((prepared.store.dump(format=ox.RdfFormat.N_QUADS) or b"").splitlines())


def _void_nt(prepared: Prepared) -> str:
    void = ox.NamedNode(graph_iri(BASE, "void"))
    return (prepared.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=void) or b"").decode("utf-8")


def test_another_public_url_copies_the_store_and_rewrites_only_its_description(
        mini_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A server on another port (another public URL) reuses the built store: a hard-linked copy whose VoID names
    its own URL, equal to what a cold build for that URL holds; the original store is untouched."""
    caplog.set_level(logging.INFO, logger="gbagraph.start")
    a_url, b_url = "http://127.0.0.1:8101/", "https://kg.example.net/gba/"
    first = prepare(Settings(root=mini_copy, cache_dir=str(tmp_path / "c"), query_workers=0, public_url=a_url))
    caplog.clear()
    copied = prepare(Settings(root=mini_copy, cache_dir=str(tmp_path / "c"), query_workers=0, public_url=b_url))
    assert copied.steps[0].cached and all(s.cached for s in copied.steps)
    assert "copied for" in caplog.text
    assert f"<{b_url}sparql>" in _void_nt(copied) and a_url not in _void_nt(copied)
    assert f"<{a_url}sparql>" in _void_nt(first) and b_url not in _void_nt(first)  # still serving its own
    cold = prepare(Settings(root=mini_copy, cache_dir=str(tmp_path / "fresh"), query_workers=0, public_url=b_url))
    assert not cold.steps[0].cached
    assert _dump_sorted(copied) == _dump_sorted(cold)
    # the copy is a store of its own: the next start for that URL opens it directly
    caplog.clear()
    again = prepare(Settings(root=mini_copy, cache_dir=str(tmp_path / "c"), query_workers=0, public_url=b_url))
    assert "copied for" not in caplog.text and _dump_sorted(again) == _dump_sorted(cold)


def test_public_url_under_the_data_namespace_is_built_not_copied(mini_copy: Path, tmp_path: Path) -> None:
    prepare(Settings(root=mini_copy, cache_dir=str(tmp_path), query_workers=0, public_url="http://127.0.0.1:8102/"))
    own = prepare(Settings(root=mini_copy, cache_dir=str(tmp_path), query_workers=0, public_url=BASE))
    assert not own.steps[0].cached
    assert f"<{BASE}sparql>" in _void_nt(own)


@pytest.mark.slow  # an equivalence check: two cold builds
def test_small_bulk_loads_build_the_same_store(mini_copy: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    whole = prepare(_settings(mini_copy, tmp_path / "whole"))
    from gbagraph import oxstore

    monkeypatch.setattr(oxstore, "CHUNK_QUADS", 10)
    chunked = prepare(_settings(mini_copy, tmp_path / "chunked"))
    assert len(_dump_sorted(whole)) > 100
    assert _dump_sorted(chunked) == _dump_sorted(whole)


@pytest.mark.slow  # an equivalence check: four cold builds and a spawned process
def test_validation_in_a_child_process_gives_the_same_verdict(mini_copy: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Big graphs are validated in a spawned process beside the reasoner: the same refusal and report as the
    in-process validation, and a conforming graph serves as before."""
    from gbagraph import pipeline
    from gbagraph.errors import ShapeViolation

    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 0)
    served = prepare(Settings(root=mini_copy, cache_dir=str(tmp_path / "ok"), query_workers=0, parallel_start=True))
    assert [s.name for s in prepare(_settings(mini_copy, tmp_path / "off")).steps] == [
        "parse", "validate", "infer", "seal", "engine"]  # parallel_start is off by default
    assert [s.name for s in served.steps] == ["parse", "infer", "validate", "seal", "engine"]
    validate_step = next(s for s in served.steps if s.name == "validate")
    assert "beside infer, s" in validate_step.counts and served.validation is not None
    assert served.validation.conforms
    bad = mini_copy / "data" / "mini-source" / "p01.ttl"
    bad.write_text(bad.read_text(encoding="utf-8") + "\nperson:nobody a gba:Official .\n", encoding="utf-8")
    other = mini_copy / "data" / "mini-source" / "source.ttl"  # a second node, in another file: each traced to its own
    other.write_text(other.read_text(encoding="utf-8") + "\n<https://w3id.org/gbagraph/id/person/a-nobody> a "
                     "<https://w3id.org/gbagraph/def/Official> .\n", encoding="utf-8")
    reports = []
    for parallel in (True, False):
        cache = tmp_path / f"bad-{parallel}"
        with pytest.raises(ShapeViolation) as info:
            prepare(Settings(root=mini_copy, cache_dir=str(cache), query_workers=0, parallel_start=parallel))
        reports.append(info.value.report)
        assert [p.name for p in (cache / "store").iterdir()] == []  # nothing half-built is kept
    lines = reports[0].splitlines()
    # each violation names its own node's file and the line its description starts (appended last: p01's line 8,
    # source.ttl's line 7)
    assert any("Violation: person:nobody " in line and line.split(": Violation:")[0].endswith("p01.ttl:8")
               for line in lines), reports[0]
    assert any("Violation: person:a-nobody " in line and line.split(": Violation:")[0].endswith("source.ttl:7")
               for line in lines), reports[0]
    assert reports[0] == reports[1]


def test_a_store_copied_for_another_public_url_shares_the_search_index(mini_copy: Path, tmp_path: Path) -> None:
    """The search index (labels: no URL of the server in it) is built once per data, not once per public URL: the
    copy for another port opens the same file (at 1M its rebuild took 20-30 s of a 36 s warm start)."""
    from gbagraph.search import INDEX_FILE, LabelIndex

    a_url, b_url = "http://127.0.0.1:8101/", "http://127.0.0.1:8102/"
    first = prepare(Settings(root=mini_copy, cache_dir=str(tmp_path / "c"), query_workers=0, public_url=a_url))
    built = LabelIndex(first.bundle, first.dumps_folder)
    assert built.path is not None and built.find("example")
    copied = prepare(Settings(root=mini_copy, cache_dir=str(tmp_path / "c"), query_workers=0, public_url=b_url))
    assert copied.dumps_folder is not None and copied.dumps_folder != first.dumps_folder
    assert (copied.dumps_folder / INDEX_FILE).stat().st_ino == built.path.stat().st_ino  # the same file, not rebuilt
    assert [m.iri for m in LabelIndex(copied.bundle, copied.dumps_folder).find("example")] == \
        [m.iri for m in built.find("example")]


def test_bulk_loader_loads_every_chunk_and_raises_a_failed_load(tmp_path: Path) -> None:
    """The parse hands its chunks to a loading thread: every chunk ends in the store, and a load that fails is
    raised in the parsing thread (not lost in the loader's)."""
    from gbagraph.oxstore import BulkLoader

    store = ox.Store()
    with BulkLoader(store) as loader:
        for i in range(5):
            loader.put(f"<urn:s{i}> <urn:p> <urn:o> <urn:g> .\n<urn:s{i}> <urn:p> <urn:o> .\n".encode())
    assert len(store) == 10
    ox.Store(str(tmp_path / "db")).flush()
    read_only = ox.Store.read_only(str(tmp_path / "db"))
    with pytest.raises(RuntimeError, match="read-write"), BulkLoader(read_only) as failing:
        for _ in range(3):  # the first failure is raised by a later put or when the loader is closed
            failing.put(b"<urn:s> <urn:p> <urn:o> .\n")


def test_shacl_beside_refuses_what_the_store_path_refuses_and_raises_its_failure(tmp_path: Path) -> None:
    """SHACL in a thread on the parse's N-Triples: the same violations as the engine on a store of them, and an
    engine failure is raised to the start (not lost in the thread)."""
    from gbagraph.validate import ShaclBeside, load_shapes, union_shapes, validate_graph

    shapes = ROOT / "ontology" / "shapes.ttl"
    nt = tmp_path / "asserted.nt"
    nt.write_bytes(ox.serialize(ox.parse(b"@prefix gba: <https://w3id.org/gbagraph/def/> .\n[] a gba:Participation .\n"
                                         b"<https://w3id.org/gbagraph/id/person/x> a gba:Official .\n",
                                         format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES) or b"")
    store = ox.Store()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    want = validate_graph(store, union_shapes(load_shapes(shapes)))
    got = ShaclBeside(nt, shapes).result(None)
    assert not want.conforms and not got.conforms
    strip = [(v.focus if not v.focus.startswith("_:") else "_", v.path, v.message, v.shape) for v in want.violations]
    assert [(v.focus if not v.focus.startswith("_:") else "_", v.path, v.message, v.shape)
            for v in got.violations] == strip and len(strip) > 3
    with pytest.raises(FileNotFoundError):
        ShaclBeside(tmp_path / "missing.nt", shapes).result(None)


def test_a_files_blank_nodes_stay_one_node_across_bulk_loads(mini_copy: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Each bulk load names blank nodes afresh, so the parse ends its chunks only where a graph begins: a blank
    node described over more triples than a chunk holds is still one node."""
    from gbagraph import oxstore
    from gbagraph.diskcache import Inputs

    page = mini_copy / "data" / "mini-source" / "p01.ttl"
    page.write_text(page.read_text(encoding="utf-8") + '\nperson:ada-example rdfs:seeAlso [ rdfs:label "a" ; '
                    'rdfs:comment "b" ; rdfs:label "c" ; rdfs:comment "d" ; rdfs:label "e" ] .\n', encoding="utf-8")
    monkeypatch.setattr(oxstore, "CHUNK_QUADS", 4)  # two triples a chunk
    build = oxstore.StoreBuild(None, "blank")
    build.load(Inputs.scan(Settings(root=mini_copy)))
    ask = ('SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g { ?b <http://www.w3.org/2000/01/rdf-schema#label> "a", '
           '"c", "e" ; <http://www.w3.org/2000/01/rdf-schema#comment> "b", "d" } ?b ?p "a" }')
    assert count(build.store, ask) == 1
    build.abandon()


def test_a_build_dropped_while_it_compacts_leaves_nothing(mini_copy: Path, tmp_path: Path) -> None:
    """The seal compacts the store in a thread; a build dropped meanwhile (a failing step) waits for it and
    leaves no folder behind."""
    from gbagraph import oxstore
    from gbagraph.diskcache import DiskCache, Inputs

    build = oxstore.StoreBuild(DiskCache(tmp_path / "cache"), "dropped")
    build.load(Inputs.scan(Settings(root=mini_copy)))
    build.compact_beside()
    assert build.compaction is not None and build.tmp is not None
    folder = build.tmp
    build.abandon()
    assert build.compaction is None and not folder.exists()
