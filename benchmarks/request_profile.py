"""Where one cache-off ``/sparql`` request's time goes (issue 22): the same small query timed in layers, in
process, on the bundled graph — the engine alone (``OxigraphEngine.answer``: parse, evaluate, serialise), through
the query worker pool (hand-off to a worker process and back), and through the Flask app (``/sparql`` by the test
client: request parsing, negotiation, the pool, the response) — medians of ``--reps`` each; then the top of a
cProfile of the Flask path.  ``python -m benchmarks.request_profile [--reps 300] [--query FILE]``."""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from gbagraph import QueryRequest, settings
from gbagraph.web import create_app

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "queries" / "01-co-chairs.rq"
JSON = "application/sparql-results+json"


def median_ms(call: Callable[[], object], reps: int) -> float:
    for _ in range(10):
        call()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--query", type=Path, default=DEFAULT if DEFAULT.exists() else None)
    args = parser.parse_args(argv)
    text = args.query.read_text(encoding="utf-8") if args.query else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    app = create_app(settings(root=REPO, response_cache_mb=0))
    pool = app.extensions["gbagraph"].engine
    pool.start()
    inner = pool.inner
    client = app.test_client()
    request = QueryRequest(text, format="json")

    def flask() -> None:
        response = client.get("/sparql", query_string={"query": text}, headers={"Accept": JSON})
        assert response.status_code == 200, response.data[:300]

    layers = {"engine in process": median_ms(lambda: inner.answer(request), args.reps),
              "query worker pool": median_ms(lambda: pool.answer(request), args.reps),
              "Flask app, /sparql": median_ms(flask, args.reps)}
    for name, ms in layers.items():
        print(f"{name:22} {ms:8.3f} ms")
    print(f"{'hand-off to a worker':22} {layers['query worker pool'] - layers['engine in process']:8.3f} ms")
    print(f"{'web layer':22} {layers['Flask app, /sparql'] - layers['query worker pool']:8.3f} ms")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.reps):
        flask()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(18)
    print(out.getvalue())
    pool.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
