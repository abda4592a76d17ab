"""The agreements cell of /series in words (series.Agreements.summary): named, by topic only, of the count stated,
and both counts where two sources state different ones."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from gbagraph.series import AgreementRef, Agreements


def refs(titled: int, topic_only: int) -> tuple[AgreementRef, ...]:
    return tuple(AgreementRef(URIRef(f"https://example.org/a{i}"), f"a{i}", i < titled)
                 for i in range(titled + topic_only))


@pytest.mark.parametrize(("titled", "topic_only", "stated", "summary"), [
    (0, 0, (), ""),
    (0, 0, (11,), "none named of 11 stated"),
    (1, 0, (8,), "1 named of 8 stated"),
    (0, 4, (4,), "4 by topic only of 4 stated"),
    (1, 5, (9,), "1 named, 5 by topic only, of 9 stated"),
    (5, 0, (), "5 named (no count stated)"),
    (0, 1, (), "1 by topic only (no count stated)"),
    (2, 0, (7, 8), "2 named of 8 stated (sources differ: 7, 8)"),
])
def test_summary(titled: int, topic_only: int, stated: tuple[int, ...], summary: str) -> None:
    assert Agreements(refs(titled, topic_only), stated).summary == summary
