"""Fast OWL RL inference for big graphs, and the closure of a pyoxigraph store.

``owlrl`` (:func:`closure`) stays the reference; it is pure Python and takes ~12 s on 10k triples. For
big graphs :func:`fast_closure` uses ``reasonable`` (a Rust OWL 2 RL reasoner, ~50x faster):

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
the instance data when ``reasonable`` runs.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterable
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
    """The reasoner to run: ``auto`` means owlrl under ``auto_limit`` triples, else the rules on the store
    (:func:`rule_closure`, which hands over to reasonable when the TBox uses a construct it does not cover)."""
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


def store_closure(body: bytes, reasoner: str, workdir: Path | None = None) -> StoreInference:
    """OWL RL closure of the N-Triples ``body`` (a store's asserted triples), filtered like :func:`closure`.

    The data goes from the store to the reasoner as N-Triples: ``reasonable`` (+ owlrl on the TBox) reads a file;
    ``owlrl`` (small graphs only) an rdflib graph.  What the closure holds beyond the input is found by a query on
    a scratch store holding both, so no rdflib copy of the instance data is made for ``reasonable``.  The rules
    work on a scratch store on disk in ``workdir`` when one is given (memory stays bounded), else in memory.
    """
    scratch = ox.Store()
    scratch.bulk_load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=SCRATCH_ASSERTED)
    if reasoner == "owlrl":
        asserted = Graph().parse(data=body, format="nt")
        del body
        result = closure(asserted)
        out = result.inferred.serialize(format="nt", encoding="utf-8")
        return StoreInference(out, len(result.inferred), result.asserted_triples, result.closure_triples,
                              result.errors + check_consistency(asserted, result.inferred))
    if reasoner == "rules":
        by_rules = rule_closure(body, workdir)
        if by_rules is not None:
            return by_rules
    import reasonable

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
    return StoreInference(out, out.count(b"\n"), asserted_triples, closure_triples, store_clashes(scratch))


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


# -- OWL RL by rules on the store (for graphs too big for reasonable's memory) ---------------------------------------

#: TBox constructs the rule reasoner handles; any other OWL construct in the TBox sends the closure to reasonable
RULE_SUPPORTED = frozenset({
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass, OWL.equivalentProperty,
    OWL.inverseOf, OWL.disjointWith, OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
    OWL.AnnotationProperty, RDF.Property, OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
    OWL.Ontology, OWL.AsymmetricProperty, OWL.IrreflexiveProperty,
})
#: the scratch graphs of the rule reasoner: the TBox's closure, then one graph per pass (what that pass added)
PASS_PREFIX = "urn:gbagraph:pass/"


def _pass_graph(n: int) -> ox.NamedNode:
    return ox.NamedNode(f"{PASS_PREFIX}{n}")


def rules_apply(schema: Graph) -> bool:
    """Whether :func:`rule_closure` covers every OWL construct of the TBox ``schema``."""
    for _s, p, o in schema:
        if p in SCHEMA_PREDICATES and p not in RULE_SUPPORTED:
            return False
        if p == RDF.type and o in SCHEMA_TYPES and o not in RULE_SUPPORTED:
            return False
    return True


def _values(rows: Iterable[tuple[object, ...]]) -> str:
    return " ".join("(" + " ".join(f"<{t}>" for t in row) + ")" for row in sorted(set(rows)))


def _in(graphs: tuple[str, ...], triple: str) -> str:
    """``triple`` matched in any of ``graphs`` ("" is the default graph: the asserted triples; "*" any named
    graph: everything inferred so far)."""
    def one(g: str) -> str:
        if not g:
            return f"{{ {triple} }}"
        if g == "*":  # a variable of its own: one bound elsewhere in the query would pin the graph
            return f"{{ GRAPH ?known{next(_graph_variables)} {{ {triple} }} }}"
        return f"{{ GRAPH <{g}> {{ {triple} }} }}"
    return " UNION ".join(one(g) for g in graphs)


_graph_variables = itertools.count()


EVERYTHING = ("", "*")


def _rule(head: str, body: str) -> str:
    """The triples ``head`` where ``body`` holds that are neither asserted nor inferred yet (a CONSTRUCT: its
    triples stream out of the store, so no transaction holds a pass's work in memory)."""
    return f"CONSTRUCT {{ {head} }} WHERE {{ {body} FILTER NOT EXISTS {{ {_in(EVERYTHING, head)} }} }}"


def _rules(g: Graph, delta: tuple[str, ...]) -> list[str]:
    """CONSTRUCT queries for the OWL RL instance rules the TBox ``g`` needs: cax-sco/cax-eqc, prp-dom, prp-rng,
    prp-spo1/prp-eqp, prp-inv, prp-symp (one premise: read from ``delta``, the graphs the last pass added:
    semi-naive), prp-trp and prp-fp (two premises: read from everything known)."""
    iri = (URIRef,)
    subclass = [(c, d) for c, d in g.subject_objects(RDFS.subClassOf) if c != d and isinstance(c, iri)
                and isinstance(d, iri)]
    for a, b in g.subject_objects(OWL.equivalentClass):
        if isinstance(a, iri) and isinstance(b, iri):
            subclass += [(a, b), (b, a)]
    subprop = [(p, q) for p, q in g.subject_objects(RDFS.subPropertyOf) if p != q]
    for a, b in g.subject_objects(OWL.equivalentProperty):
        subprop += [(a, b), (b, a)]
    inverse = [pair for a, b in g.subject_objects(OWL.inverseOf) for pair in ((a, b), (b, a))]
    queries = []
    if subclass:
        queries.append(_rule("?x a ?d", f"VALUES (?c ?d) {{ {_values(subclass)} }} {_in(delta, '?x a ?c')}"))
    domains = [(p, c) for p, c in g.subject_objects(RDFS.domain) if isinstance(c, iri)]
    if domains:
        queries.append(_rule("?x a ?c", f"VALUES (?p ?c) {{ {_values(domains)} }} {_in(delta, '?x ?p ?y')}"))
    ranges = [(p, c) for p, c in g.subject_objects(RDFS.range) if isinstance(c, iri)]
    if ranges:
        queries.append(_rule("?y a ?c", f"VALUES (?p ?c) {{ {_values(ranges)} }} {_in(delta, '?x ?p ?y')} "
                             "FILTER(!isLiteral(?y))"))
    if subprop:
        queries.append(_rule("?x ?q ?y", f"VALUES (?p ?q) {{ {_values(subprop)} }} {_in(delta, '?x ?p ?y')}"))
    if inverse:
        queries.append(_rule("?y ?q ?x", f"VALUES (?p ?q) {{ {_values(inverse)} }} {_in(delta, '?x ?p ?y')} "
                             "FILTER(!isLiteral(?y))"))
    symmetric = [(p,) for p in g.subjects(RDF.type, OWL.SymmetricProperty)]
    if symmetric:
        queries.append(_rule("?y ?p ?x", f"VALUES (?p) {{ {_values(symmetric)} }} {_in(delta, '?x ?p ?y')} "
                             "FILTER(!isLiteral(?y))"))
    for p in sorted(set(g.subjects(RDF.type, OWL.TransitiveProperty)), key=str):
        queries.append(_rule(f"?x <{p}> ?z", f"{_in(EVERYTHING, f'?x <{p}> ?y')} "
                                             f"{_in(EVERYTHING, f'?y <{p}> ?z')}"))
    functional = [(p,) for p in g.subjects(RDF.type, OWL.FunctionalProperty)]
    if functional:
        queries.append(_rule(f"?y <{OWL.sameAs}> ?z",
                             f"VALUES (?p) {{ {_values(functional)} }} {_in(EVERYTHING, '?x ?p ?y')} "
                             f"{_in(EVERYTHING, '?x ?p ?z')} "
                             "FILTER(?y != ?z && !isLiteral(?y) && !isLiteral(?z))"))
    return queries


def _equality_rules() -> list[str]:
    """eq-sym, eq-trans, eq-rep-s, eq-rep-o (run only when the data has an owl:sameAs)."""
    same = _in(EVERYTHING, f"?a <{OWL.sameAs}> ?b")
    return [
        _rule(f"?b <{OWL.sameAs}> ?a", same),
        _rule(f"?a <{OWL.sameAs}> ?c", f"{same} {_in(EVERYTHING, f'?b <{OWL.sameAs}> ?c')}"),
        _rule("?b ?p ?o", f"{same} {_in(EVERYTHING, '?a ?p ?o')}"),
        _rule("?s ?p ?b", f"{same} {_in(EVERYTHING, '?s ?p ?a')}"),
    ]


TRIVIAL_FILTER = (
    f"FILTER(isIRI(?s) && !isBlank(?o)) "
    f"FILTER(!(?p = <{OWL.sameAs}> && ?s = ?o)) "
    f"FILTER(!(?p = <{RDF.type}> && ?o IN (<{OWL.Thing}>, <{RDFS.Resource}>, <{OWL.NamedIndividual}>))) "
    f"FILTER(!(?p IN (<{RDFS.subClassOf}>, <{RDFS.subPropertyOf}>, <{OWL.equivalentClass}>, "
    f"<{OWL.equivalentProperty}>) && ?s = ?o)) "
    + "".join(f'FILTER(!STRSTARTS(STR(?s), "{ns}")) ' for ns in (XSD, OWL, RDFS, RDF))
)


def _load_pass(scratch: ox.Store, path: Path, graph: ox.NamedNode) -> None:
    """Load a pass's N-Triples into ``graph``: in bulk, except the lines with blank nodes, which are added with
    their labels kept (a bulk load renames blank nodes, and a renamed one would be new again in every pass)."""
    plain: list[bytes] = []
    blank: list[bytes] = []
    with path.open("rb") as lines:
        for line in lines:
            (blank if b"_:" in line else plain).append(line)
    if plain:
        scratch.bulk_load(b"".join(plain), format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
    if blank:
        scratch.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in
                       ox.parse(b"".join(blank), format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False))


def rule_closure(body: bytes, workdir: Path | None = None) -> StoreInference | None:
    """OWL RL closure of the N-Triples ``body`` by SPARQL rules on a scratch store (on disk in ``workdir``), with
    the TBox closed by owlrl; None when the TBox uses a construct the rules do not cover.

    Each pass streams every rule's new triples into an N-Triples file, then bulk-loads that file into the pass's
    own graph (set semantics drop the duplicates): the memory stays bounded whatever the data size."""
    scratch = ox.Store(str(workdir)) if workdir else ox.Store()
    spill = Path(tempfile.mkdtemp(prefix="gbagraph-rules-", dir=workdir.parent if workdir else None))
    try:
        scratch.bulk_load(body, format=ox.RdfFormat.N_TRIPLES)
        schema = _schema_graph(scratch, None)
        if not rules_apply(schema):
            return None
        schema_closure = closure(schema).inferred
        full_tbox = schema + schema_closure
        scratch.bulk_load(schema_closure.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                          to_graph=_pass_graph(0))
        delta: tuple[str, ...] = ("", _pass_graph(0).value)
        n = 0
        while True:  # semi-naive: each pass applies the one-premise rules to the triples the last pass added
            n += 1
            out = spill / f"pass-{n}.nt"
            with out.open("wb") as sink:
                for query in _rules(full_tbox, delta):
                    constructed(scratch, query).serialize(sink, format=ox.RdfFormat.N_TRIPLES)
                if scratch.query(f"ASK {{ {_in(EVERYTHING, f'?a <{OWL.sameAs}> ?b')} FILTER(?a != ?b) }}"):
                    for query in _equality_rules():
                        constructed(scratch, query).serialize(sink, format=ox.RdfFormat.N_TRIPLES)
            if not out.stat().st_size:
                break
            _load_pass(scratch, out, _pass_graph(n))
            out.unlink()
            delta = (_pass_graph(n).value,)
        # what each pass added, without the trivial triples; a pass's triples were new when it derived them, so
        # only the TBox's closure (pass 0) is checked against the asserted triples
        parts, size = [], 0
        for i in range(n):
            graph = _pass_graph(i).value
            size += int(next(iter(solutions(scratch, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> "
                                                     "{ ?s ?p ?o } }")))["n"].value)
            unasserted = "FILTER NOT EXISTS { ?s ?p ?o }" if i == 0 else ""
            parts.append(constructed(scratch, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
                                              f"{TRIVIAL_FILTER} {unasserted} }}")
                         .serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
        result = b"".join(parts)
        del parts
        asserted = int(next(iter(solutions(scratch, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
        problems = store_clashes(scratch)
        return StoreInference(result, result.count(b"\n"), asserted, asserted + size, problems)
    finally:
        shutil.rmtree(spill, ignore_errors=True)
