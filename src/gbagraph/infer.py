"""OWL RL closure with owlrl, computed on a copy and kept apart as its own graph."""

from __future__ import annotations

from dataclasses import dataclass

import owlrl
from owlrl.Namespaces import ERRNS
from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from .errors import InconsistentGraph


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


def require_consistent(result: InferenceResult, asserted: Graph) -> None:
    """Raise ``InconsistentGraph`` when the closure holds a contradiction."""
    problems = result.errors + check_consistency(asserted, result.inferred)
    if problems:
        raise InconsistentGraph("; ".join(problems))
