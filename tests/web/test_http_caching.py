"""What /sparql tells shared caches: answers ``public, max-age`` (``sparql_max_age``) with an ETag, the 304 of a
revalidation the same, errors ``no-store``; ``sparql_max_age=0`` makes every reuse a revalidation.  (The nginx
block of docs/deploy.md acting on these headers: test_deploy_nginx.py, slow.)"""

from __future__ import annotations

import requests

from gbagraph import settings
from gbagraph.web import create_app

QUERY = {"query": "ASK { ?s ?p ?o }"}


def test_answers_may_be_kept_errors_never(mini_server) -> None:
    ok = requests.get(mini_server.sparql, params=QUERY, timeout=30)
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "public, max-age=60"
    again = requests.get(mini_server.sparql, params=QUERY, headers={"If-None-Match": ok.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.headers["Cache-Control"] == "public, max-age=60"
    bad = requests.get(mini_server.sparql, params={"query": "ASK {"}, timeout=30)
    assert bad.status_code == 400 and bad.headers["Cache-Control"] == "no-store"


def test_max_age_zero_revalidates_every_time(mini_root) -> None:
    client = create_app(settings(root=mini_root, sparql_max_age=0, query_workers=0)).test_client()
    answer = client.get("/sparql", query_string=QUERY)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-cache" and answer.headers["ETag"]
