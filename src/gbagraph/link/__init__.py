"""Links from our people, bodies and places to other graphs (Wikidata's by default), in two steps with a person
in between (see docs/linking.md):

1. :mod:`.reconcile` looks our entities up by label and alternative labels in any SPARQL endpoint, filtered by
   type, batched with ``VALUES``; it scores the candidates and writes a review table (TSV) and a linkset of
   ``skos:closeMatch`` candidates.  Nothing it finds is asserted.
2. :mod:`.review` turns the rows a person marked as accepted into ``owl:sameAs`` in ``data/links/reconciled.ttl``.

The command line (``gbagraph link``) is :mod:`gbagraph.cli.link`.
"""

from ..errors import LinkError, ReviewFileError
from .reconcile import (
    KIND_OF_PATH,
    RETRY_STATUSES,
    REVIEW_COLUMNS,
    TYPE_CLASSES,
    USER_AGENT,
    WIKIDATA_ENDPOINT,
    WIKIDATA_ENTITY,
    WIKIDATA_ITEM,
    Candidate,
    Client,
    Entity,
    Options,
    candidate_linkset,
    dataset_iri,
    entities,
    kind_of,
    linkset_iri,
    lookup_query,
    normalise,
    reconcile,
    review_table,
    score,
    variants,
)
from .review import ACCEPT_NO, ACCEPT_YES, Accepted, accept, read_review

__all__ = [
    "ACCEPT_NO", "ACCEPT_YES", "KIND_OF_PATH", "RETRY_STATUSES", "REVIEW_COLUMNS", "TYPE_CLASSES", "USER_AGENT",
    "WIKIDATA_ENDPOINT", "WIKIDATA_ENTITY", "WIKIDATA_ITEM", "Accepted", "Candidate", "Client", "Entity",
    "LinkError", "Options", "ReviewFileError", "accept", "candidate_linkset", "dataset_iri", "entities", "kind_of",
    "linkset_iri", "lookup_query", "normalise", "read_review", "reconcile", "review_table", "score", "variants",
]
