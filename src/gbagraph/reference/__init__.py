"""The reference path: rdflib reads the files (:mod:`.loader`) and answers queries (:mod:`.engine`).

Not the product path — the server and every CLI command start through :func:`gbagraph.pipeline.prepare` (the
pyoxigraph store).  This is what the differential tests compare the store and the serving engine with, the
fallback engine ``engine='rdflib'`` and what the linking commands read the curated files with.  The OWL RL
reference (owlrl) stays in :mod:`gbagraph.reason`: the product runs it too (reasoner ``owlrl``, and the schema
part of the other reasoners).
"""
