"""The worker pool: time limits that really stop queries, crash isolation, errors that keep their type."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest

from gbagraph.config import Settings
from gbagraph.errors import GbagraphError, QueryError, QueryTimeout, ResultTooLarge, ShapeViolation, TooBusy, UpdateRefused
from gbagraph.pipeline import make_engine
from gbagraph.query import Answer, OxigraphEngine, Policy, QueryRequest
from gbagraph.reference.engine import RdflibEngine
from gbagraph.reference.loader import load
from gbagraph.workers import SLOW_AFTER, SLOW_NICE, WorkerCrashed, WorkerPoolEngine

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"

#: never finishes on the generated graph (3000^5 solutions), in constant memory: counts per group, then sorts
EXPLOSIVE = ("SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?x ?o } "
             "GROUP BY ?a ORDER BY DESC(?n)")
SIMPLE = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"


def alive(pid: int) -> bool:
    """Is ``pid`` a live (not zombie) process?"""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def run_in_thread(pool: WorkerPoolEngine, request: QueryRequest) -> tuple[threading.Thread, dict]:
    out: dict = {}

    def go() -> None:
        start = time.monotonic()
        try:
            out["answer"] = pool.answer(request)
        except Exception as exc:  # recorded for the test to look at
            out["error"] = exc
        out["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    return thread, out


def test_explosive_query_is_stopped_while_a_simple_one_answers(ox_engine: OxigraphEngine) -> None:
    with WorkerPoolEngine(ox_engine, workers=2, timeout=2.0) as pool:
        pool.start()
        first = set(pool.pids())
        thread, slow = run_in_thread(pool, QueryRequest(EXPLOSIVE))
        time.sleep(0.3)  # the explosive query is running in one worker
        start = time.monotonic()
        answer = pool.answer(QueryRequest(SIMPLE, format="json"))
        latency = time.monotonic() - start
        thread.join(10)
        assert not thread.is_alive(), "the explosive query was never stopped"
        error = slow.get("error")
        assert isinstance(error, QueryTimeout), slow
        assert error.status == 503
        assert "query stopped after 2." in str(error) and "(limit 2 s)" in str(error)
        assert 2.0 <= slow["seconds"] < 3.5
        assert answer.count == -1 or answer.count == 3
        assert latency < 0.5, f"the simple query took {latency:.2f} s next to the explosive one"
        print(f"\nexplosive query cut after {slow['seconds']:.2f} s; simple query answered in {latency * 1000:.0f} ms")
        # the stuck worker was killed and replaced: the pool is whole and answers
        later = set(pool.pids())
        assert len(later) == 2 and later != first
        assert not any(alive(pid) for pid in first - later)
        assert pool.answer(QueryRequest("ASK { ?s ?p ?o }")).body.count(b"true") == 1


def test_rdflib_engine_is_stopped_too(rdflib_engine: RdflibEngine) -> None:
    with WorkerPoolEngine(rdflib_engine, workers=1, timeout=1.0) as pool:
        start = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"stopped after 1\.\d s \(limit 1 s\)"):
            pool.answer(QueryRequest("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i"))
        assert time.monotonic() - start < 2.5
        assert b"true" in pool.answer(QueryRequest("ASK { ?s ?p ?o }")).body


def test_a_request_may_ask_for_less_time_but_not_more(ox_engine: OxigraphEngine) -> None:
    with WorkerPoolEngine(ox_engine, workers=1, timeout=1.0) as pool:
        start = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"limit 0\.3 s"):
            pool.answer(QueryRequest(EXPLOSIVE, timeout=0.3))
        assert time.monotonic() - start < 1.0
        start = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"limit 1 s"):
            pool.answer(QueryRequest(EXPLOSIVE, timeout=60))
        assert time.monotonic() - start < 2.0
        for bad in (0, -1, float("nan")):
            with pytest.raises(QueryError, match="timeout must be a positive number"):
                pool.answer(QueryRequest(SIMPLE, timeout=bad))


def test_too_busy_when_every_slot_is_taken(ox_engine: OxigraphEngine) -> None:
    with WorkerPoolEngine(ox_engine, workers=1, max_concurrent=1, timeout=1.5, queue_wait=0.2) as pool:
        thread, slow = run_in_thread(pool, QueryRequest(EXPLOSIVE))
        time.sleep(0.3)
        start = time.monotonic()
        with pytest.raises(TooBusy) as caught:
            pool.answer(QueryRequest(SIMPLE))
        assert caught.value.status == 503 and "already evaluating 1 queries" in str(caught.value)
        assert time.monotonic() - start < 0.6  # waited about queue_wait, not the whole query
        thread.join(5)
        assert isinstance(slow.get("error"), QueryTimeout)
        assert pool.answer(QueryRequest(SIMPLE)).kind == "SELECT"  # free again


def test_admitted_query_waits_for_a_worker_within_its_limit(ox_engine: OxigraphEngine) -> None:
    with WorkerPoolEngine(ox_engine, workers=1, max_concurrent=2, timeout=1.5) as pool:
        thread, slow = run_in_thread(pool, QueryRequest(EXPLOSIVE))
        time.sleep(0.3)
        with pytest.raises(TooBusy, match="no query worker became free"):
            pool.answer(QueryRequest(SIMPLE, timeout=0.3))
        # a query queued behind the stuck one is served once that one is stopped
        waited = pool.answer(QueryRequest(SIMPLE, timeout=1.5))
        assert waited.kind == "SELECT"
        thread.join(5)
        assert isinstance(slow.get("error"), QueryTimeout)


class Refusal(GbagraphError):
    """An error class the parent knows (this module is imported in both processes)."""

    status = 418


class Scripted:
    """An engine doing what the query text says: raise an error, crash, or answer."""

    name = "scripted"

    def answer(self, request: QueryRequest) -> Answer:
        from gbagraph.formats import by_name

        action = request.query
        if action == "query-error":
            raise QueryError("bad thing at line 3", status=422)
        if action == "update":
            raise UpdateRefused("read-only")
        if action == "shape":
            raise ShapeViolation("does not conform", report="the report")
        if action == "custom":
            raise Refusal("a custom refusal")
        if action == "raw":
            raise KeyError("internal")
        if action == "exit":
            os._exit(3)
        if action == "big":
            return Answer("SELECT", by_name("json"), b"x" * 10_000, 1)
        return Answer("SELECT", by_name("json"), f"pid {os.getpid()}".encode(), 1)


@pytest.fixture()
def scripted_pool():
    with WorkerPoolEngine(Scripted(), workers=1, timeout=5.0, max_result_bytes=5_000) as pool:
        yield pool


@pytest.mark.parametrize(("action", "kind", "status", "message"), [
    ("query-error", QueryError, 422, "bad thing at line 3"),
    ("update", UpdateRefused, 403, "read-only"),
    ("shape", ShapeViolation, 500, "does not conform"),
    ("custom", Refusal, 418, "a custom refusal"),
    ("big", ResultTooLarge, 507, "10000 bytes, more than the server's limit of 5000 bytes"),
])
def test_errors_come_back_with_their_type_and_status(scripted_pool: WorkerPoolEngine, action: str, kind: type,
                                                      status: int, message: str) -> None:
    with pytest.raises(GbagraphError) as caught:
        scripted_pool.answer(QueryRequest(action))
    assert type(caught.value) is kind
    assert caught.value.status == status and message in str(caught.value)
    if action == "shape":
        assert caught.value.report == "the report"  # type: ignore[attr-defined]
    assert scripted_pool.answer(QueryRequest("ok")).body.startswith(b"pid ")  # the worker survived


def test_unexpected_exception_becomes_a_gbagraph_error(scripted_pool: WorkerPoolEngine) -> None:
    with pytest.raises(GbagraphError, match="KeyError") as caught:
        scripted_pool.answer(QueryRequest("raw"))
    assert caught.value.status == 500


def test_a_crashed_worker_is_replaced(scripted_pool: WorkerPoolEngine) -> None:
    before = scripted_pool.answer(QueryRequest("ok")).body
    with pytest.raises(WorkerCrashed, match=r"crashed \(exit code 3\)") as caught:
        scripted_pool.answer(QueryRequest("exit"))
    assert caught.value.status == 503
    after = scripted_pool.answer(QueryRequest("ok")).body
    assert after.startswith(b"pid ") and after != before


class Unguarded:
    """The engine, except that one query goes straight to pyoxigraph (the guard refuses it since it crashes)."""

    name = "unguarded"

    def __init__(self, engine: OxigraphEngine, crash: str) -> None:
        self.engine, self.crash = engine, crash

    def answer(self, request: QueryRequest) -> Answer:
        if request.query == self.crash:
            self.engine.store.query(self.crash)
        return self.engine.answer(request)


def test_a_query_that_crashes_oxigraph_costs_one_worker_not_the_server(ox_engine: OxigraphEngine) -> None:
    # 50 000 negations overflow pyoxigraph's recursive parser: SIGSEGV.  In-process this kills the server.
    crash = "SELECT * WHERE { FILTER(" + "!" * 50_000 + "true) }"
    with WorkerPoolEngine(Unguarded(ox_engine, crash), workers=1, timeout=10.0) as pool:
        with pytest.raises(WorkerCrashed, match="SIGSEGV|SIGBUS|SIGABRT") as caught:
            pool.answer(QueryRequest(crash))
        assert caught.value.status == 503
        assert pool.answer(QueryRequest(SIMPLE)).kind == "SELECT"


def test_deep_nesting_is_refused_before_any_parser(ox_engine: OxigraphEngine) -> None:
    deep = "SELECT * WHERE { " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000 + " }"
    with WorkerPoolEngine(ox_engine, workers=1, timeout=10.0) as pool:
        with pytest.raises(QueryError, match="nests brackets more than 200 levels") as caught:
            pool.answer(QueryRequest(deep))  # without the guard: WorkerCrashed (stack overflow)
        assert caught.value.status == 400


def test_memory_per_query_is_bounded(ox_engine: OxigraphEngine) -> None:
    hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?x ?o } ORDER BY ?o ?l"
    with WorkerPoolEngine(ox_engine, workers=1, timeout=20.0, memory_mb=200) as pool:
        start = time.monotonic()
        with pytest.raises(GbagraphError, match="200 MB") as caught:
            pool.answer(QueryRequest(hungry))
        assert caught.value.status in (503, 507)
        assert time.monotonic() - start < 10  # stopped by the memory limit, not the time limit
        assert pool.answer(QueryRequest(SIMPLE)).kind == "SELECT"


def test_result_size_limit_in_process_and_in_pool(dataset, ox_engine: OxigraphEngine) -> None:
    everything = "SELECT * WHERE { ?s ?p ?o }"
    full = len(ox_engine.answer(QueryRequest(everything, format="json")).body)
    limited = [OxigraphEngine(ox_engine.store, Policy(max_result_bytes=full - 1)),
               RdflibEngine(dataset, Policy(max_result_bytes=1000))]
    for engine in limited:
        with pytest.raises(ResultTooLarge, match="more than the server's limit") as caught:
            engine.answer(QueryRequest(everything, format="json"))
        assert caught.value.status == 507
    with WorkerPoolEngine(ox_engine, workers=1, max_result_bytes=full - 1) as pool:
        with pytest.raises(ResultTooLarge):
            pool.answer(QueryRequest(everything, format="json"))
        assert len(pool.answer(QueryRequest(SIMPLE, format="json")).body) < full


def test_workers_start_lazily_and_close_leaves_no_process(ox_engine: OxigraphEngine) -> None:
    before = {p.pid for p in multiprocessing.active_children()}
    pool = WorkerPoolEngine(ox_engine, workers=2)
    assert pool.pids() == []  # nothing forked until a query comes
    pool.answer(QueryRequest(SIMPLE))
    assert len(pool.pids()) == 1  # one query needs one worker
    pool.start()
    pids = pool.pids()
    assert len(pids) == 2 and all(alive(p) for p in pids)
    pool.close()
    pool.close()  # idempotent
    assert not any(alive(p) for p in pids)
    assert {p.pid for p in multiprocessing.active_children()} <= before
    with pytest.raises(GbagraphError, match="shut down") as caught:
        pool.answer(QueryRequest(SIMPLE))
    assert caught.value.status == 503


def test_a_dropped_pool_stops_its_workers(ox_engine: OxigraphEngine) -> None:
    pool = WorkerPoolEngine(ox_engine, workers=1).start()
    pids = pool.pids()
    del pool
    import gc

    gc.collect()
    deadline = time.monotonic() + 5
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(p) for p in pids)


def test_a_forked_server_process_gets_its_own_workers(ox_engine: OxigraphEngine) -> None:
    """gunicorn forks the app (and an unstarted or started pool) into each server process."""
    with WorkerPoolEngine(ox_engine, workers=1, timeout=5.0) as pool:
        pool.start()
        parent_workers = pool.pids()
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the forked child
            code = 1
            try:
                answer = pool.answer(QueryRequest("ASK { ?s ?p ?o }"))
                mine = pool.pids()
                ok = b"true" in answer.body and mine and not set(mine) & set(parent_workers)
                pool.close()
                code = 0 if ok and not any(alive(p) for p in mine) else 2
            finally:
                os.write(write, bytes([code]))
                os._exit(code)
        os.close(write)
        _, status = os.waitpid(child, 0)
        verdict = os.read(read, 1)
        os.close(read)
        assert verdict == b"\x00" and os.waitstatus_to_exitcode(status) == 0
        assert pool.pids() == parent_workers and all(alive(p) for p in parent_workers)  # untouched
        assert pool.answer(QueryRequest("ASK { ?s ?p ?o }")).kind == "ASK"


def test_pipeline_pools_unless_query_workers_is_zero() -> None:
    settings = Settings(root=MINI, validate=False, infer=False)
    bundle = load(settings)
    plain = make_engine(settings.with_(query_workers=0), bundle)
    assert isinstance(plain, OxigraphEngine)
    with make_engine(settings.with_(query_timeout=7.0, max_concurrent_queries=3), bundle) as pooled:
        assert isinstance(pooled, WorkerPoolEngine)
        assert (pooled.workers, pooled.timeout, pooled.max_concurrent) == (2, 7.0, 3)
        assert pooled.name == "oxigraph" and pooled.pids() == []
        assert pooled.answer(QueryRequest("ASK { ?s ?p ?o }")).body == plain.answer(
            QueryRequest("ASK { ?s ?p ?o }")).body


def test_replacements_forked_while_other_threads_use_the_pool(ox_engine: OxigraphEngine) -> None:
    """Workers are killed and forked again while other threads keep sending queries: none of theirs fails.

    (Supported because the parent never evaluates queries itself: forking while another thread is inside
    pyoxigraph can copy one of its locks held, and that child would hang until its time limit.)"""
    with WorkerPoolEngine(ox_engine, workers=2, timeout=0.4, max_concurrent=4, queue_wait=5) as pool:
        stop = time.monotonic() + 2.0
        failures: list[Exception] = []
        answered = 0

        def simple() -> None:
            nonlocal answered
            while time.monotonic() < stop:
                try:
                    pool.answer(QueryRequest(SIMPLE))
                    answered += 1
                except Exception as exc:  # recorded for the assertion below
                    failures.append(exc)

        threads = [threading.Thread(target=simple, daemon=True) for _ in range(2)]
        for thread in threads:
            thread.start()
        killed = 0
        while time.monotonic() < stop:
            with pytest.raises(QueryTimeout):
                pool.answer(QueryRequest(EXPLOSIVE, timeout=0.2))
            killed += 1
        for thread in threads:
            thread.join(10)
        assert killed >= 3 and answered > 10
        assert failures == []


def test_a_slow_query_yields_the_cpu_and_its_place(ox_engine: OxigraphEngine) -> None:
    """A query still running after SLOW_AFTER s runs at low priority, and a worker at normal priority is forked
    for the next query (within max_concurrent), so quick queries do not wait for the slow one's limit."""
    with WorkerPoolEngine(ox_engine, workers=1, max_concurrent=2, timeout=6.0) as pool:
        pool.start()
        thread, slow = run_in_thread(pool, QueryRequest(EXPLOSIVE))
        time.sleep(SLOW_AFTER + 0.5)
        [stuck] = pool.pids()
        assert os.getpriority(os.PRIO_PROCESS, stuck) == SLOW_NICE
        start = time.monotonic()
        assert pool.answer(QueryRequest(SIMPLE)).kind == "SELECT"
        assert time.monotonic() - start < 3  # not after the slow query's 6 s
        assert len(pool.pids()) == 2 and os.getpriority(os.PRIO_PROCESS, pool.pids()[1]) == 0
        thread.join(10)
        assert isinstance(slow.get("error"), QueryTimeout)
        assert len(pool.pids()) == 1 and stuck not in pool.pids()  # the demoted one is gone, not replaced twice
