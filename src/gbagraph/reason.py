"""OWL RL inference: owlrl (the reference), the rules compiled for our TBox, reasonable; the closure of a store.

``owlrl`` (:func:`closure`) stays the reference; it is pure Python and takes ~11 s on the bundled 14k triples.
Big graphs are reasoned by the rules compiled for the TBox (:mod:`gbagraph.compiled`, reasoner ``rules``: the
same closure, ~1 CPU-second at 100k where owlrl takes ~110), which hand over to owlrl when the TBox or the data
needs a rule they do not compile.  The optional :func:`fast_closure` uses ``reasonable`` (a Rust OWL 2 RL
reasoner, ~50x faster than owlrl, but ~6 GB at 1M triples):

* ``reasonable`` skips the schema rules (``scm-*``: rdfs:domain/range, subClassOf/subPropertyOf between
  classes and properties), so the TBox part is taken from ``owlrl`` run on the TBox only (the asserted
  triples that are about classes and properties; small, and independent of the data size);
* ``reasonable`` returns plain literals as ``"x"^^xsd:string``; they are turned back into plain literals
  (the same RDF 1.1 term) so that they compare equal to the asserted ones;
* ``reasonable`` does not report clashes; :func:`clashes` finds members of disjoint classes
  (``owl:disjointWith``, ``owl:AllDisjointClasses``) and of ``owl:Nothing``, as owlrl's ``cax-dw``/``cax-adc``
  and ``cls-nothing2`` rules do.

After those corrections and :func:`closure`'s own filter the two closures are equal on the
bundled data (``tests/core/test_reasoners.py`` checks it).

:func:`store_closure` computes the closure of a pyoxigraph store's graphs (what :func:`gbagraph.pipeline.prepare`
runs): the data reaches the reasoner as N-Triples and the new triples leave as N-Triples, with no rdflib copy of
the instance data unless owlrl runs.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import owlrl
import pyoxigraph as ox
from owlrl.Namespaces import ERRNS
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .bundle import add_reachable, constructed, solutions
from .config import REASONERS

log = logging.getLogger("gbagraph.reason")

#: predicates whose triples are schema (TBox) statements
SCHEMA_PREDICATES = frozenset({
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass, OWL.equivalentProperty,
    OWL.inverseOf, OWL.disjointWith, OWL.propertyChainAxiom, OWL.onProperty, OWL.someValuesFrom,
    OWL.allValuesFrom, OWL.hasValue, OWL.intersectionOf, OWL.unionOf, OWL.members, OWL.propertyDisjointWith,
})
SCHEMA_TYPES = frozenset({
    OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
    OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
    OWL.AsymmetricProperty, OWL.IrreflexiveProperty, OWL.ReflexiveProperty, OWL.Restriction, OWL.Ontology,
    OWL.AllDisjointClasses,
})


# -- the reference reasoner: owlrl on an rdflib graph, the closure kept apart as its own graph -------------------

@dataclass
class InferenceResult:
    inferred: Graph  # only triples not already asserted, without trivia
    asserted_triples: int
    closure_triples: int
    errors: list[str]  # owlrl's inconsistency messages


def _trivial(triple: tuple[Node, Node, Node]) -> bool:
    s, p, o = triple
    if p == OWL.sameAs and s == o:
        return True
    if isinstance(s, (BNode, Literal)) or isinstance(o, BNode):
        return True
    if p == RDF.type and o in (OWL.Thing, RDFS.Resource, OWL.NamedIndividual):
        return True
    if p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty) and s == o:
        return True
    # owlrl types every literal datatype and every built-in term; none of that helps a user
    return str(s).startswith(("http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/2002/07/owl#",
                              "http://www.w3.org/2000/01/rdf-schema#",
                              "http://www.w3.org/1999/02/22-rdf-syntax-ns#"))


def closure(asserted: Graph) -> InferenceResult:
    """The OWL RL triples ``asserted`` entails beyond itself (``asserted`` is not changed)."""
    work = Graph()
    for triple in asserted:
        work.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(work)
    # owlrl reports clashes (disjoint classes, owl:Nothing members, …) as ErrorMessage nodes it adds
    errors = sorted(str(m) for m in work.objects(None, ERRNS.error))
    return InferenceResult(inferred=new_triples(work, asserted), asserted_triples=len(asserted),
                           closure_triples=len(work), errors=errors)


def new_triples(closure_graph: Graph, asserted: Graph) -> Graph:
    """What ``closure_graph`` holds beyond ``asserted``, without trivia, with ``asserted``'s prefixes."""
    inferred = Graph()
    for prefix, ns in asserted.namespaces():
        inferred.bind(prefix, ns, override=False)
    for triple in closure_graph:
        if triple not in asserted and not _trivial(triple):
            inferred.add(triple)
    return inferred


def check_consistency(asserted: Graph, inferred: Graph) -> list[str]:
    """Contradictions in the closure: members of owl:Nothing and owlrl's own error reports."""
    problems = []
    for g in (asserted, inferred):
        for s in g.subjects(RDF.type, OWL.Nothing):
            problems.append(f"{s} is inferred to be owl:Nothing (a disjointness or restriction is violated)")
    return sorted(set(problems))


def available(name: str) -> bool:
    """Whether the reasoner ``name`` can be used here (``reasonable`` is an optional dependency)."""
    if name != "reasonable":
        return name in ("owlrl", "rules")
    try:
        import reasonable  # noqa: F401
    except ImportError:
        return False
    return True


def choose(reasoner: str, triples: int, auto_limit: int) -> str:
    """The reasoner to run: ``auto`` means owlrl under ``auto_limit`` triples, else the rules compiled for the TBox
    (:mod:`gbagraph.compiled`, which hand over to owlrl when the TBox uses a construct they do not cover)."""
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r} (use {', '.join(REASONERS)})")
    if reasoner == "auto":
        return "rules" if triples >= auto_limit else "owlrl"
    if reasoner == "reasonable" and not available("reasonable"):
        raise ValueError("reasoner 'reasonable' is not installed (pip install reasonable)")
    return reasoner


def tbox(graph: Graph) -> Graph:
    """The schema triples of ``graph``: about classes and properties, and the nodes of their axioms."""
    out = Graph()
    schema_nodes = set()
    for s, p, o in graph:
        if p in SCHEMA_PREDICATES or (p == RDF.type and o in SCHEMA_TYPES):
            out.add((s, p, o))
            schema_nodes.add(s)
            if isinstance(o, BNode):
                schema_nodes.add(o)
    # the blank nodes of restrictions and RDF lists (owl:unionOf ( ... ))
    add_reachable(graph, (n for n in schema_nodes if isinstance(n, BNode)), out,
                  follow=lambda _p, o: isinstance(o, BNode))
    return out


def _plain(term: object) -> object:
    if isinstance(term, Literal) and term.datatype == XSD.string and term.language is None:
        return Literal(str(term))
    return term


def clashes(graph: Graph) -> list[str]:
    """Members of two disjoint classes, and members of owl:Nothing, in ``graph`` (a closure)."""
    pairs: set[tuple[Node, Node]] = set()
    for a, b in graph.subject_objects(OWL.disjointWith):
        pairs.add((a, b))
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(graph.items(graph.value(node, OWL.members)))  # type: ignore[arg-type]  # None: no items
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    problems = []
    for a, b in sorted(pairs):
        both = set(graph.subjects(RDF.type, a)) & set(graph.subjects(RDF.type, b))
        problems += [f"{x} is a member of the disjoint classes {a} and {b}" for x in sorted(both)]  # type: ignore[type-var]
    problems += [f"{x} is inferred to be owl:Nothing" for x in sorted(set(graph.subjects(RDF.type, OWL.Nothing)))]  # type: ignore[type-var]
    return problems


def fast_closure(asserted: Graph) -> InferenceResult:
    """OWL RL closure with ``reasonable`` (+ owlrl on the TBox), filtered like :func:`closure`."""
    import reasonable

    schema = tbox(asserted)
    schema_inferred = closure(schema).inferred  # scm-* rules: small, whatever the data size
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(asserted)
    if len(schema_inferred):
        reasoner.from_graph(schema_inferred)
    work = Graph()
    for s, p, o in reasoner.reason():
        work.add((s, p, _plain(o)))  # type: ignore[arg-type]
    work += schema_inferred
    return InferenceResult(inferred=new_triples(work, asserted), asserted_triples=len(asserted),
                           closure_triples=len(work), errors=clashes(work))


def run(asserted: Graph, reasoner: str = "owlrl", auto_limit: int = 50_000) -> tuple[str, InferenceResult]:
    """The closure by the chosen reasoner, and which one ran."""
    name = choose(reasoner, len(asserted), auto_limit)
    return name, (fast_closure(asserted) if name == "reasonable" else closure(asserted))


# -- the closure of a pyoxigraph store (no rdflib copy of the instance data) ----------------------------------------

SCRATCH_ASSERTED = ox.NamedNode("urn:gbagraph:asserted")
SCRATCH_CLOSURE = ox.NamedNode("urn:gbagraph:closure")


@dataclass
class StoreInference:
    """The closure of the asserted graphs of a store: the new triples as N-Triples, and counts."""

    ntriples: bytes
    inferred_triples: int
    asserted_triples: int
    closure_triples: int
    errors: list[str]
    reasoner: str = ""  # the reasoner that ran (owlrl when the compiled rules handed over)


def _schema_graph(scratch: ox.Store, graph: ox.NamedNode | None = SCRATCH_ASSERTED) -> Graph:
    """The schema part of the asserted triples (in ``graph``, or the default graph), as a small rdflib graph."""
    types = ", ".join(f"<{t}>" for t in sorted(SCHEMA_TYPES))
    preds = ", ".join(f"<{p}>" for p in sorted(SCHEMA_PREDICATES))
    pattern = f"GRAPH <{graph.value}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} "
             f"FILTER(isBlank(?s) || ?p IN ({preds}) || (?p = <{RDF.type}> && ?o IN ({types}))) }}")
    body = constructed(scratch, query).serialize(format=ox.RdfFormat.N_TRIPLES)
    return tbox(Graph().parse(data=body or b"", format="nt"))


def _line(triple: tuple[Any, ...]) -> str | None:
    s, p, o = triple
    if not isinstance(s, URIRef) or not isinstance(p, URIRef) or _trivial(triple):
        return None
    return f"{s.n3()} {p.n3()} {o.n3()} .\n"


def store_closure(body: bytes, reasoner: str) -> StoreInference:
    """OWL RL closure of the N-Triples ``body`` (a store's asserted triples, as oxigraph writes them), filtered like
    :func:`closure`.

    ``rules``: the rules compiled for the TBox (:mod:`gbagraph.compiled`, in memory); when the TBox or the data
    needs a rule they do not compile, owlrl computes the closure instead (logged): never a smaller closure.
    ``owlrl``: the reference, on an rdflib graph (small graphs only).  ``reasonable`` (+ owlrl on the TBox) reads
    a file; what its closure holds beyond the input is found by a query on a scratch store holding both.
    """
    if reasoner == "rules":
        from .compiled import Unsupported
        from .compiled import store_closure as compiled_closure

        try:
            return compiled_closure(body)
        except Unsupported as why:
            log.warning("OWL RL: the compiled rules do not cover %s; owlrl computes the closure instead (slow on "
                        "big graphs)", why)
            reasoner = "owlrl"
    if reasoner == "owlrl":
        asserted = Graph().parse(data=body, format="nt")
        del body
        result = closure(asserted)
        out = result.inferred.serialize(format="nt", encoding="utf-8")
        return StoreInference(out, len(result.inferred), result.asserted_triples, result.closure_triples,
                              result.errors + check_consistency(asserted, result.inferred), reasoner="owlrl")
    import reasonable

    scratch = ox.Store()
    scratch.bulk_load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=SCRATCH_ASSERTED)
    schema_inferred = closure(_schema_graph(scratch)).inferred
    engine = reasonable.PyReasoner()
    with tempfile.TemporaryDirectory(prefix="gbagraph-reason-") as tmp:
        path = Path(tmp) / "asserted.ttl"  # reasonable reads Turtle; N-Triples is Turtle
        path.write_bytes(body)
        del body
        engine.load_file(str(path))
    if len(schema_inferred):
        engine.from_graph(schema_inferred)
    closed = engine.reason()
    closure_triples = len(closed)
    lines = [line for line in map(_line, closed) if line]
    del closed
    lines += [line for line in map(_line, schema_inferred) if line]
    scratch.bulk_load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=SCRATCH_CLOSURE)
    del lines
    new = constructed(scratch, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{SCRATCH_CLOSURE.value}> {{ ?s ?p ?o }} "
                        f"FILTER NOT EXISTS {{ GRAPH <{SCRATCH_ASSERTED.value}> {{ ?s ?p ?o }} }} }}")
    out = new.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
    asserted_triples = sum(1 for _ in scratch.quads_for_pattern(None, None, None, SCRATCH_ASSERTED))
    return StoreInference(out, out.count(b"\n"), asserted_triples, closure_triples, store_clashes(scratch),
                          reasoner="reasonable")


def store_clashes(scratch: ox.Store) -> list[str]:
    """:func:`clashes` as queries over the scratch store (asserted + closure)."""
    owl, rdf = str(OWL), str(RDF)
    queries = [
        f"SELECT DISTINCT ?x ?a ?b WHERE {{ ?a <{owl}disjointWith> ?b . ?x a ?a . ?x a ?b }}",
        f"SELECT DISTINCT ?x ?a ?b WHERE {{ ?n a <{owl}AllDisjointClasses> ; <{owl}members> ?l . "
        f"?l <{rdf}rest>*/<{rdf}first> ?a . ?l <{rdf}rest>*/<{rdf}first> ?b . FILTER(STR(?a) < STR(?b)) "
        f"?x a ?a . ?x a ?b }}",
    ]
    problems: set[str] = set()
    for query in queries:
        for row in solutions(scratch, query, use_default_graph_as_union=True):
            problems.add(f"{row['x'].value} is a member of the disjoint classes {row['a'].value} "
                         f"and {row['b'].value}")
    for row in solutions(scratch, f"SELECT DISTINCT ?x WHERE {{ ?x a <{owl}Nothing> }}",
                         use_default_graph_as_union=True):
        problems.add(f"{row['x'].value} is inferred to be owl:Nothing")
    return sorted(problems)
