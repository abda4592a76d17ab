"""ResponseCache: keys ignore layout but not meaning, LRU bounded in bytes, ETags stable per dataset."""

from __future__ import annotations

from werkzeug.http import parse_etags

from gbagraph import formats
from gbagraph.query import Answer, QueryRequest
from gbagraph.sparqltext import lex
from gbagraph.web.response_cache import ResponseCache, request_key
from gbagraph.web.sparql import matches

Q = "SELECT ?s WHERE { ?s a ?c }"


class CountingEngine:
    name = "counting"

    def __init__(self, size: int = 10) -> None:
        self.calls = 0
        self.size = size

    def answer(self, request: QueryRequest) -> Answer:
        self.calls += 1
        return Answer("SELECT", formats.by_name("json"), b"x" * self.size + str(self.calls).encode(), 1)


def normalise_query(text: str) -> str:
    return lex(text).normalised


def not_modified(if_none_match: str | None, etag: str) -> bool:
    return matches(parse_etags(if_none_match), etag)


def test_normalise_collapses_layout_and_comments_but_not_strings_or_iris() -> None:
    assert normalise_query("SELECT  ?s\n\tWHERE { ?s a ?c } # note") == "SELECT ?s WHERE { ?s a ?c }"
    assert normalise_query('SELECT ("a  b" AS ?x) {}') != normalise_query('SELECT ("a b" AS ?x) {}')
    assert "#frag" in normalise_query("SELECT * { <http://x/#frag> ?p ?o }")
    assert normalise_query('ASK { ?s ?p "# not a comment" }').endswith('"# not a comment" }')


def test_same_query_laid_out_differently_hits_the_cache() -> None:
    engine, cache = CountingEngine(), ResponseCache("d1")
    a1, etag1, hit1 = cache.answer(engine, QueryRequest(Q))
    a2, etag2, hit2 = cache.answer(engine, QueryRequest("SELECT ?s\nWHERE {\n  ?s a ?c\n}\n"))
    assert (hit1, hit2) == (False, True) and engine.calls == 1
    assert a1 == a2 and etag1 == etag2 and etag1 and etag1.startswith('"')


def test_format_graphs_and_limits_are_part_of_the_key() -> None:
    engine, cache = CountingEngine(), ResponseCache("d1")
    variants = [QueryRequest(Q), QueryRequest(Q, format="csv"), QueryRequest(Q, format="text/csv"),
                QueryRequest(Q, default_graphs=("http://g/1",)), QueryRequest(Q, named_graphs=("http://g/1",)),
                QueryRequest(Q, max_rows=5)]
    etags = {cache.answer(engine, r)[1] for r in variants}
    # format=csv and format=text/csv name the same format: one entry
    assert engine.calls == len(variants) - 1 and len(etags) == len(variants) - 1
    assert request_key(QueryRequest(Q, format="application/json")) == request_key(QueryRequest(Q))


def test_etag_depends_on_dataset_hash() -> None:
    assert ResponseCache("d1").etag(QueryRequest(Q)) != ResponseCache("d2").etag(QueryRequest(Q))
    assert ResponseCache("d1").etag(QueryRequest(Q)) == ResponseCache("d1").etag(QueryRequest(Q))


def test_lru_bounded_in_bytes() -> None:
    engine = CountingEngine(size=1000)
    cache = ResponseCache("d1", max_bytes=5000, max_entry_bytes=5000)
    for i in range(20):
        cache.answer(engine, QueryRequest(f"SELECT ?s WHERE {{ ?s a ?c }} LIMIT {i}"))
    assert cache.bytes <= 5000 and 0 < len(cache) < 20 and cache.stats.evicted > 0
    # most recently used survives, the oldest is gone
    calls = engine.calls
    cache.answer(engine, QueryRequest("SELECT ?s WHERE { ?s a ?c } LIMIT 19"))
    assert engine.calls == calls
    cache.answer(engine, QueryRequest("SELECT ?s WHERE { ?s a ?c } LIMIT 0"))
    assert engine.calls == calls + 1


def test_big_answers_and_errors_are_not_kept() -> None:
    engine = CountingEngine(size=10_000)
    cache = ResponseCache("d1", max_bytes=100_000, max_entry_bytes=1000)
    cache.answer(engine, QueryRequest(Q))
    cache.answer(engine, QueryRequest(Q))
    assert engine.calls == 2 and len(cache) == 0 and cache.stats.too_big == 2

    def failing(request: QueryRequest) -> Answer:
        raise ValueError("boom")

    try:
        cache.answer(failing, QueryRequest(Q))
    except ValueError:
        pass
    assert len(cache) == 0


def test_unkeyable_requests_pass_through() -> None:
    engine, cache = CountingEngine(), ResponseCache("d1")
    answer, etag, hit = cache.answer(engine, QueryRequest("INSERT DATA { <a> <b> <c> }"))
    assert etag is None and not hit and engine.calls == 1


def test_if_none_match() -> None:
    assert not_modified('"abc"', '"abc"')
    assert not_modified('"x", W/"abc"', '"abc"')
    assert not_modified("*", '"abc"')
    assert not not_modified('"abd"', '"abc"')
    assert not not_modified(None, '"abc"')


def test_dataset_hash_changes_with_data(mini_copy) -> None:
    from gbagraph.config import Settings
    from gbagraph.web.response_cache import dataset_hash

    s = Settings(root=mini_copy)
    before = dataset_hash(s)
    assert before == dataset_hash(s)
    assert dataset_hash(s.with_(reasoner="owlrl" if s.reasoner != "owlrl" else "reasonable")) != before
    p01 = mini_copy / "data" / "mini-source" / "p01.ttl"
    p01.write_text(p01.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert dataset_hash(s) != before
