"""OWL RL closure compiled for one TBox: the rules that can fire on it as table lookups and set joins over the
N-Triples lines of the data, evaluated semi-naively in memory.

The TBox (the schema triples, :func:`gbagraph.reason.tbox`) is closed by owlrl itself (the ``scm-*`` rules:
small, whatever the data size); from that closure the instance rules become tables: the superclasses of each class
(``cax-sco``, ``cax-eqc``), the domains and ranges of each property (``prp-dom``, ``prp-rng``), and for each
property the properties its triples also hold for, forwards or backwards (``prp-spo1``, ``prp-eqp``, ``prp-inv``,
``prp-symp``, composed once).  Only transitive properties (``prp-trp``) need a fixpoint: the pairs a pass adds are
joined with the known ones until nothing is new, and what they add goes through the tables again.  The clash rules
(``cax-dw``, ``cax-adc``, ``cls-nothing2``, ``prp-irp``, ``prp-asyp``, ``prp-pdw``) are checks on the result.
owlrl's datatype rules are replayed as it runs them: each literal of an OWL RL datatype is a member of that
datatype and its super-datatypes (``dt-type2``), an ill-typed lexical form is an error (``dt-not-type``, owlrl's
message), and the datatypes the literals use are disjoint as owlrl declares them (so a boolean in a decimal range
is a clash here too).

Anything the tables do not cover raises :class:`Unsupported` (the caller falls back to owlrl, never to a smaller
closure): an OWL term of the TBox or data outside :data:`OWL_TERMS` (restrictions, property chains, keys, …),
``owl:sameAs`` between two different terms (asserted, or from ``prp-fp``/``prp-ifp``: the equality rules are not
compiled), an asserted type that is a datatype, and rules that would derive schema triples (a property whose triples
imply ``rdf:type``/``rdfs:subClassOf``/…, a class whose members would be classes or properties).

Terms are kept as their N-Triples text (the body is oxigraph's canonical N-Triples), so no RDF term objects are
made for the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .errors import RuleNotCompiled
from .reason import SCHEMA_PREDICATES, SCHEMA_TYPES, StoreInference, closure, tbox
from .storeview import from_ox, to_ox

Token = bytes
Pair = tuple[Token, Token]


def _t(iri: str) -> Token:
    return f"<{iri}>".encode()


TYPE, SAME_AS = _t(RDF.type), _t(OWL.sameAs)
SUBCLASS, SUBPROP, EQCLASS, EQPROP = _t(RDFS.subClassOf), _t(RDFS.subPropertyOf), _t(OWL.equivalentClass), \
    _t(OWL.equivalentProperty)
NOTHING = _t(OWL.Nothing)

#: every rule this module evaluates (a closure may be asked without some, to show the comparison with owlrl needs them)
RULES = ("scm", "dt", "cax-sco", "prp-dom", "prp-rng", "prp-spo1", "prp-inv", "prp-symp", "prp-trp", "prp-fp", "prp-ifp",
         "cax-dw", "cax-adc", "cls-nothing2", "prp-irp", "prp-asyp", "prp-pdw")

#: OWL terms the compiled rules cover (as a predicate or as the object of ``rdf:type``); annotations included
OWL_TERMS = frozenset(_t(OWL[n]) for n in (
    "Class", "Thing", "Nothing", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "OntologyProperty",
    "Ontology", "NamedIndividual", "DeprecatedClass", "DeprecatedProperty", "TransitiveProperty",
    "SymmetricProperty", "FunctionalProperty", "InverseFunctionalProperty", "AsymmetricProperty",
    "IrreflexiveProperty", "AllDisjointClasses", "equivalentClass", "equivalentProperty", "inverseOf", "disjointWith",
    "propertyDisjointWith", "members", "sameAs", "imports", "versionInfo", "versionIRI", "priorVersion", "deprecated",
    "backwardCompatibleWith", "incompatibleWith"))
_OWL = _t(str(OWL))[:-1]
#: predicates whose triples are schema: no rule may derive one (they would change the TBox)
SCHEMA_TOKENS = frozenset({TYPE, SAME_AS, _t(OWL.differentFrom), _t(RDF.first), _t(RDF.rest)}
                          | {_t(p) for p in SCHEMA_PREDICATES})
#: classes whose members are schema: no rule may derive a membership of one
SCHEMA_CLASSES = frozenset({_t(c) for c in SCHEMA_TYPES}
                           | {_t(RDFS.Datatype), _t(OWL.DataRange), _t(OWL.AllDifferent), _t(RDF.List)})
DATATYPES = frozenset(_t(d) for d in OWL_RL_Datatypes)
#: dt-type2 as owlrl runs it: a literal of an OWL RL datatype is a member of it and of its super-datatypes
_DATATYPE_SUPERS = {_t(d): frozenset({_t(d)} | {_t(s) for s in OWL_Datatype_Subsumptions.get(d, ())})
                    for d in OWL_RL_Datatypes}
#: the disjointness owlrl adds between the top datatypes (when both are used by literals of the graph)
_DATATYPE_DISJOINT = tuple((_t(a), _t(b)) for a, _p, b in OWLRL_Datatypes_Disjointness)
#: lexical form checks (dt-not-type), by datatype token
_CONVERTERS = {_t(d): f for d, f in AltXSDToPYTHON.items()}
#: owlrl's trivia (see :func:`gbagraph.reason.new_triples`), on tokens
_BUILTIN = tuple(_t(str(ns))[:-1] for ns in (XSD, OWL, RDFS, RDF))
_TRIVIAL_TYPES = frozenset({_t(OWL.Thing), _t(RDFS.Resource), _t(OWL.NamedIndividual)})
_TRIVIAL_REFLEXIVE = frozenset({SAME_AS, SUBCLASS, SUBPROP, EQCLASS, EQPROP})


#: the TBox or the data needs a rule the compiled closure does not evaluate (the message says which)
Unsupported = RuleNotCompiled


# -- reading the body --------------------------------------------------------------------------------------------

def read(body: bytes) -> dict[Token, set[Pair]]:
    """The distinct triples of the N-Triples ``body`` by predicate, as (subject, object) token pairs (terms shared)."""
    edges: dict[Token, set[Pair]] = defaultdict(set)
    pool: dict[Token, Token] = {}
    term = pool.setdefault
    for line in body.splitlines():
        if not line or line[0] == 35:  # '#': a comment
            continue
        s, p, rest = line.split(b" ", 2)
        o = rest.rstrip(b" .\t\r")  # a term never ends with a dot or a blank
        edges[p].add((term(s, s), term(o, o)))
    return edges


def _token(node: Node) -> Token:
    return str(to_ox(node)).encode()


def _schema(edges: dict[Token, set[Pair]]) -> Graph:
    """The TBox of the triples (schema predicates, schema types, and the blank nodes of their axioms) as rdflib."""
    types = SCHEMA_CLASSES
    lines = [s + b" " + p + b" " + o + b" .\n" for p, pairs in edges.items() if p in SCHEMA_TOKENS and p != TYPE
             for s, o in pairs]
    lines += [s + b" " + TYPE + b" " + o + b" .\n" for s, o in edges.get(TYPE, ()) if o in types]
    if any(b"_:" in line for line in lines):  # restrictions and lists: tbox() follows their blank nodes
        lines += [s + b" " + p + b" " + o + b" .\n" for p, pairs in edges.items() for s, o in pairs
                  if s.startswith(b"_:")]
    graph = Graph()
    for t in ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False):
        graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return tbox(graph)


def _check_vocabulary(edges: dict[Token, set[Pair]]) -> None:
    """Refuse OWL terms the rules do not cover, equalities, and individuals typed with a datatype."""
    for p in edges:
        if p.startswith(_OWL) and p not in OWL_TERMS:
            raise Unsupported(f"{p.decode()} (an OWL construct the compiled rules do not cover)")
    for s, o in edges.get(SAME_AS, ()):
        if s != o:
            raise Unsupported(f"owl:sameAs between {s.decode()} and {o.decode()} (equality rules not compiled)")
    for s, c in edges.get(TYPE, ()):
        if c.startswith(_OWL) and c not in OWL_TERMS:
            raise Unsupported(f"{c.decode()} (an OWL construct the compiled rules do not cover)")
        if c in DATATYPES and not s.startswith(b'"'):
            raise Unsupported(f"{s.decode()} typed with the datatype {c.decode()}")


def _datatype(literal: Token) -> Token | None:
    """The datatype token of a literal token (None for a simple or language-tagged string)."""
    end = literal.rfind(b'"^^<')
    return literal[end + 3:] if end > 0 else None


def _lexical(literal: Token) -> str:
    """The lexical form of a typed literal token, its N-Triples escapes undone."""
    text = literal[1:literal.rfind(b'"^^<')]
    if b"\\" not in text:
        return text.decode()
    return str(next(iter(ox.parse(b"<urn:x> <urn:x> " + literal + b" .", format=ox.RdfFormat.N_TRIPLES))).object.value)


def literal_types(edges: dict[Token, set[Pair]]) -> tuple[dict[Token, frozenset[Token]], list[str]]:
    """dt-type2 and dt-not-type as owlrl runs them on the literals of the data: the datatypes each literal of an
    OWL RL datatype belongs to, and an error for each whose lexical form is outside its datatype."""
    types: dict[Token, frozenset[Token]] = {}
    errors: list[str] = []
    for pairs in edges.values():
        for _s, o in pairs:
            if o[0] != 34 or o in types:  # 34: '"'
                continue
            dt = _datatype(o)
            if dt is None or dt not in _DATATYPE_SUPERS:
                continue
            types[o] = _DATATYPE_SUPERS[dt]
            convert = _CONVERTERS.get(dt)
            if convert is None:
                continue
            lexical = _lexical(o)
            try:
                convert(lexical)
            except (ValueError, ArithmeticError):  # owlrl catches ValueError only: "abc"^^xsd:decimal crashes it
                errors.append(f"Lexical value of the literal '{lexical}' does not match its datatype ({value(dt)})")
    return types, sorted(errors)


# -- the tables ------------------------------------------------------------------------------------------------

def _closed(start: Token, step: dict[Token, set[Token]]) -> frozenset[Token]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in step.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


@dataclass
class Tables:
    """The TBox's closure as lookups: what each class implies, each property's forms, domains, ranges, checks."""

    rules: frozenset[str]
    schema_pairs: dict[Token, set[Pair]]  # the closed TBox by predicate
    superclasses: dict[Token, set[Token]] = field(default_factory=lambda: defaultdict(set))
    superprops: dict[Token, set[Token]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[Token, set[Token]] = field(default_factory=lambda: defaultdict(set))
    domains: dict[Token, set[Token]] = field(default_factory=lambda: defaultdict(set))
    ranges: dict[Token, set[Token]] = field(default_factory=lambda: defaultdict(set))
    kinds: dict[Token, set[Token]] = field(default_factory=lambda: defaultdict(set))  # owl:XProperty → properties
    _sup: dict[Token, frozenset[Token]] = field(default_factory=dict)
    _forms: dict[Token, frozenset[tuple[Token, bool]]] = field(default_factory=dict)

    @classmethod
    def of(cls, schema: Graph, rules: frozenset[str]) -> Tables:
        pairs: dict[Token, set[Pair]] = defaultdict(set)
        for s, p, o in schema:
            pairs[_token(p)].add((_token(s), _token(o)))
        tables = cls(rules, pairs)
        for axiom, table, both in ((SUBCLASS, tables.superclasses, False), (EQCLASS, tables.superclasses, True),
                                   (SUBPROP, tables.superprops, False), (EQPROP, tables.superprops, True),
                                   (_t(OWL.inverseOf), tables.inverses, True),
                                   (_t(RDFS.domain), tables.domains, False), (_t(RDFS.range), tables.ranges, False)):
            for a, b in pairs[axiom]:
                table[a].add(b)
                if both:
                    table[b].add(a)
        for prop, kind in pairs[TYPE]:
            tables.kinds[kind].add(prop)
        return tables

    def kind(self, name: str) -> set[Token]:
        return self.kinds.get(_t(OWL[name]), set())

    def sup(self, c: Token) -> frozenset[Token]:
        """``c`` and its superclasses (cax-sco, cax-eqc)."""
        if c not in self._sup:
            self._sup[c] = _closed(c, self.superclasses) if "cax-sco" in self.rules else frozenset({c})
        return self._sup[c]

    def domain(self, p: Token) -> frozenset[Token]:
        """The classes (with their superclasses) a triple of ``p`` gives its subject (prp-dom)."""
        if "prp-dom" not in self.rules:
            return frozenset()
        return frozenset().union(*(self.sup(c) for c in self.domains.get(p, ())))

    def range(self, p: Token) -> frozenset[Token]:
        """The classes (with their superclasses) a triple of ``p`` gives its object (prp-rng)."""
        if "prp-rng" not in self.rules:
            return frozenset()
        return frozenset().union(*(self.sup(c) for c in self.ranges.get(p, ())))

    def forms(self, p: Token) -> frozenset[tuple[Token, bool]]:
        """What a triple ``x p y`` implies besides itself: ``(q, False)`` for ``x q y``, ``(q, True)`` for ``y q x``
        (prp-spo1/prp-eqp, prp-inv, prp-symp composed)."""
        if p in self._forms:
            return self._forms[p]
        symmetric = self.kind("SymmetricProperty") if "prp-symp" in self.rules else set()
        seen, todo = {(p, False)}, [(p, False)]
        while todo:
            q, flip = todo.pop()
            steps = [(r, flip) for r in self.superprops.get(q, ()) if "prp-spo1" in self.rules]
            steps += [(r, not flip) for r in self.inverses.get(q, ()) if "prp-inv" in self.rules]
            steps += [(q, not flip)] if q in symmetric else []
            for step in steps:
                if step not in seen:
                    seen.add(step)
                    todo.append(step)
        seen.discard((p, False))
        self._forms[p] = frozenset(seen)
        return self._forms[p]


# -- the closure -------------------------------------------------------------------------------------------------

@dataclass
class Closure:
    """The closure being computed: every known pair by predicate, and which of them were not asserted."""

    tables: Tables
    edges: dict[Token, set[Pair]]
    derived: dict[Token, set[Pair]] = field(default_factory=lambda: defaultdict(set))
    literals: dict[Token, frozenset[Token]] = field(default_factory=dict)  # literal → its datatypes (dt-type2)

    def add(self, p: Token, pairs: Iterable[Pair]) -> set[Pair]:
        """Add ``pairs`` of ``p``; return the new ones."""
        known = self.edges[p]
        new = set(pairs) - known
        if new:
            known |= new
            self.derived[p] |= new
        return new

    def spread(self, delta: dict[Token, set[Pair]]) -> None:
        """Close under the property rules, semi-naively: the new pairs of each pass go through the tables (already
        composed: one step), then the transitive properties' joins, whose new pairs are the next pass."""
        transitive = self.tables.kind("TransitiveProperty") if "prp-trp" in self.tables.rules else set()
        while delta:
            for p, pairs in list(delta.items()):
                for q, flip in self.tables.forms(p):
                    new = self.add(q, ((o, s) for s, o in pairs) if flip else pairs)
                    if new and q in transitive:
                        delta.setdefault(q, set()).update(new)
            delta = {t: self.transitive(t, delta[t]) for t in transitive if t in delta}
            delta = {t: pairs for t, pairs in delta.items() if pairs}

    def transitive(self, t: Token, delta: set[Pair]) -> set[Pair]:
        """The pairs of ``t`` joined with ``delta`` until nothing is new (prp-trp); returns the new ones."""
        known = self.edges[t]
        out: dict[Token, set[Token]] = defaultdict(set)
        into: dict[Token, set[Token]] = defaultdict(set)
        for x, y in known:
            out[x].add(y)
            into[y].add(x)
        added: set[Pair] = set()
        todo = list(delta)
        while todo:
            x, y = todo.pop()
            for pair in [(x, z) for z in out.get(y, ())] + [(w, y) for w in into.get(x, ())]:
                if pair not in known:
                    known.add(pair)
                    self.derived[t].add(pair)
                    added.add(pair)
                    out[pair[0]].add(pair[1])
                    into[pair[1]].add(pair[0])
                    todo.append(pair)
        return added

    def types(self) -> tuple[dict[Token, set[Token]], dict[Token, set[Token]]]:
        """The asserted and the closed types of every node (asserted and TBox types, domains and ranges, their
        superclasses)."""
        tables = self.tables
        known = self.edges.get(TYPE, set())
        asserted: dict[Token, set[Token]] = defaultdict(set)
        for x, c in known - self.derived.get(TYPE, set()):
            asserted[x].add(c)
        closed: dict[Token, set[Token]] = defaultdict(set)
        for x, c in known:
            closed[x] |= tables.sup(c)
        for x, datatypes in self.literals.items():
            for c in datatypes:
                closed[x] |= tables.sup(c)
        for p, pairs in self.edges.items():
            domain, range_ = tables.domain(p), tables.range(p)
            if domain:
                for s, _o in pairs:
                    closed[s] |= domain
            if range_:
                for _s, o in pairs:
                    closed[o] |= range_
        for x, classes in closed.items():  # a new member of a schema class would make the TBox grow
            schema = classes & SCHEMA_CLASSES
            if schema and any((x, c) not in known for c in schema):
                c = min(c for c in schema if (x, c) not in known)
                raise Unsupported(f"{x.decode()} inferred to be a {c.decode()} (schema rules on the data not compiled)")
        return asserted, closed


def _functional(closure: Closure) -> None:
    """prp-fp, prp-ifp: two values of a functional property (or two subjects of an inverse functional one) would
    make an owl:sameAs, whose equality rules are not compiled."""
    tables = closure.tables
    for rule, kind, flip in (("prp-fp", "FunctionalProperty", False), ("prp-ifp", "InverseFunctionalProperty", True)):
        if rule not in tables.rules:
            continue
        for p in tables.kind(kind):
            first: dict[Token, Token] = {}
            for s, o in closure.edges.get(p, ()):
                key, value = (o, s) if flip else (s, o)
                if first.setdefault(key, value) != value:
                    raise Unsupported(f"{rule}: {key.decode()} {p.decode()} has two values, {value.decode()} and "
                                      f"{first[key].decode()} (owl:sameAs: equality rules not compiled)")


def _clashes(closure: Closure, types: dict[Token, set[Token]]) -> list[str]:
    """cax-dw, cax-adc, cls-nothing2, prp-irp, prp-asyp, prp-pdw on the closure."""
    tables, rules = closure.tables, closure.tables.rules
    problems: set[str] = set()
    disjoint: set[Pair] = set(tables.schema_pairs[_t(OWL.disjointWith)]) if "cax-dw" in rules else set()
    if "cax-dw" in rules:  # the datatypes' disjointness owlrl adds for the datatypes the literals use
        used = {dt for dt in (_datatype(x) for x in closure.literals) if dt}
        disjoint |= {(a, b) for a, b in _DATATYPE_DISJOINT if a in used and b in used}
    if "cax-adc" in rules:
        disjoint |= _all_disjoint(tables)
    partners: dict[Token, set[Token]] = defaultdict(set)
    for a, b in disjoint:
        partners[a].add(b)
    for x, classes in types.items():
        if "cls-nothing2" in rules and NOTHING in classes:
            problems.add(f"{value(x)} is inferred to be owl:Nothing")
        for a in classes & partners.keys():
            for b in partners[a] & classes:
                first, second = sorted((value(a), value(b)))
                problems.add(f"{value(x)} is a member of the disjoint classes {first} and {second}")
    for p in tables.kind("IrreflexiveProperty") if "prp-irp" in rules else ():
        problems |= {f"{value(x)} {value(p)} itself, but {value(p)} is irreflexive"
                     for x, y in closure.edges.get(p, ()) if x == y}
    for p in tables.kind("AsymmetricProperty") if "prp-asyp" in rules else ():
        pairs = closure.edges.get(p, set())
        problems |= {f"{value(x)} {value(p)} {value(y)} and back, but {value(p)} is asymmetric"
                     for x, y in pairs if (y, x) in pairs}
    for p, q in tables.schema_pairs[_t(OWL.propertyDisjointWith)] if "prp-pdw" in rules else ():
        problems |= {f"{value(x)} {value(p)} and {value(q)} {value(y)}, but the two properties are disjoint"
                     for x, y in closure.edges.get(p, set()) & closure.edges.get(q, set())}
    return sorted(problems)


def value(t: Token) -> str:
    """An IRI token's IRI (other terms as written)."""
    return t.decode()[1:-1] if t.startswith(b"<") else t.decode()


def _all_disjoint(tables: Tables) -> set[Pair]:
    """The pairs of classes of owl:AllDisjointClasses axioms (their members lists read from the closed TBox)."""
    first, rest = dict(tables.schema_pairs[_t(RDF.first)]), dict(tables.schema_pairs[_t(RDF.rest)])
    pairs: set[Pair] = set()
    for node in tables.kind("AllDisjointClasses"):
        for _n, head in (pair for pair in tables.schema_pairs[_t(OWL.members)] if pair[0] == node):
            members, seen = [], set()
            while head in first and head not in seen:
                seen.add(head)
                members.append(first[head])
                head = rest.get(head, b"")
            pairs |= {(a, b) for i, a in enumerate(members) for b in members[i + 1:]}
    return pairs


def _kept(s: Token, p: Token, o: Token) -> bool:
    """Not one of owlrl's trivia (the filter of :func:`gbagraph.reason.new_triples`)."""
    if not s.startswith(b"<") or o.startswith(b"_:") or s.startswith(_BUILTIN):
        return False
    if p == TYPE:
        return o not in _TRIVIAL_TYPES
    return s != o or p not in _TRIVIAL_REFLEXIVE


def _lines(p: Token, pairs: Iterable[Pair]) -> bytes:
    middle = b" " + p + b" "
    return b"".join(s + middle + o + b" .\n" for s, o in pairs if _kept(s, p, o))


def store_closure(body: bytes, rules: Iterable[str] = RULES) -> StoreInference:
    """The OWL RL triples the N-Triples ``body`` (oxigraph's canonical form) entails beyond itself, filtered like
    :func:`gbagraph.reason.closure`, with the clashes found; raises :class:`Unsupported` when a rule it does not
    compile could fire."""
    chosen = frozenset(rules)
    edges = read(body)
    _check_vocabulary(edges)
    schema = _schema(edges)
    full = schema + closure(schema).inferred if "scm" in chosen else schema
    tables = Tables.of(full, chosen)
    asserted_triples = sum(len(pairs) for pairs in edges.values())
    literals, literal_errors = literal_types(edges) if "dt" in chosen else ({}, [])
    state = Closure(tables, edges, literals=literals)
    _check_derivable(state)
    delta = {p: pairs for p, pairs in edges.items() if p != TYPE}  # pass 1: everything (no copy: only read)
    for p, pairs in tables.schema_pairs.items():  # the TBox's closure (pass 0) joins the data
        new = state.add(p, pairs)
        if new and p != TYPE:
            delta.setdefault(p, set()).update(new)
    state.spread(delta)
    _functional(state)
    asserted_types, types = state.types()
    clashes = sorted(literal_errors + _clashes(state, types))
    parts = [_lines(p, pairs) for p, pairs in state.derived.items() if p != TYPE]
    parts.append(b"".join(x + b" " + TYPE + b" " + c + b" .\n" for x, classes in types.items()
                          for c in classes - asserted_types.get(x, set()) if _kept(x, TYPE, c)))
    out = b"".join(parts)
    closure_triples = asserted_triples + sum(len(pairs) for p, pairs in state.derived.items() if p != TYPE) \
        + sum(len(classes - asserted_types.get(x, set())) for x, classes in types.items())
    return StoreInference(out, out.count(b"\n"), asserted_triples, closure_triples, clashes, reasoner="rules")


def _check_derivable(state: Closure) -> None:
    """Refuse rules that would derive a schema triple (``x q y`` with ``q`` a schema predicate from another
    property, or a schema predicate made transitive, symmetric, …)."""
    tables = state.tables
    if tables.forms(TYPE) or tables.domain(TYPE) or tables.range(TYPE):  # types are closed last, by the tables
        raise Unsupported("rdf:type implies other triples (rules on rdf:type triples not compiled)")
    for p in set(state.edges) | set(tables.superprops) | set(tables.inverses):
        for q, _flip in tables.forms(p):
            if q in SCHEMA_TOKENS:
                raise Unsupported(f"{p.decode()} implies {q.decode()} triples (schema rules on the data not compiled)")
    for kind in ("TransitiveProperty", "SymmetricProperty", "FunctionalProperty", "InverseFunctionalProperty"):
        schema = tables.kind(kind) & SCHEMA_TOKENS
        if schema:
            raise Unsupported(f"{min(schema).decode()} is an owl:{kind} (schema rules on the data not compiled)")
