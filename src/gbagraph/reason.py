"""Fast OWL RL inference for big graphs, and a disk cache of closures keyed by the hash of their inputs.

``owlrl`` (see :mod:`.infer`) stays the reference; it is pure Python and takes ~12 s on 10k triples. For
big graphs :func:`fast_closure` uses ``reasonable`` (a Rust OWL 2 RL reasoner, ~50x faster):

* ``reasonable`` skips the schema rules (``scm-*``: rdfs:domain/range, subClassOf/subPropertyOf between
  classes and properties), so the TBox part is taken from ``owlrl`` run on the TBox only (the asserted
  triples that are about classes and properties; small, and independent of the data size);
* ``reasonable`` returns plain literals as ``"x"^^xsd:string``; they are turned back into plain literals
  (the same RDF 1.1 term) so that they compare equal to the asserted ones;
* ``reasonable`` does not report clashes; :func:`clashes` finds members of disjoint classes
  (``owl:disjointWith``, ``owl:AllDisjointClasses``) and of ``owl:Nothing``, as owlrl's ``cax-dw``/``cax-adc``
  and ``cls-nothing2`` rules do.

After those corrections and :func:`gbagraph.infer.closure`'s own filter the two closures are equal on the
bundled data (``tests/perf/test_reasoners.py`` checks it).

:class:`DiskCache` keeps any value (here: the inferred graph as N-Triples, and a SHACL verdict) under
``{cache_dir}/{kind}/{key}``, where the key is a SHA-256 over the input files' bytes, the base IRI, the
reasoner and the versions of the libraries that compute the value; a changed input gives a new key, so no
entry is ever stale.  The default folder is ``$XDG_CACHE_HOME/gbagraph`` (``~/.cache/gbagraph``): never the
repository.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from .config import Settings
from .infer import InferenceResult, closure, new_triples
from .namespaces import BASE
from .store import GraphBundle, iter_data_files
from .validate import ValidationResult, Violation, require_valid

REASONERS = ("owlrl", "reasonable", "auto")

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


def available(name: str) -> bool:
    """Whether the reasoner ``name`` can be used here (``reasonable`` is an optional dependency)."""
    if name != "reasonable":
        return name == "owlrl"
    try:
        import reasonable  # noqa: F401
    except ImportError:
        return False
    return True


def choose(reasoner: str, triples: int, auto_limit: int) -> str:
    """The reasoner to run: ``auto`` means owlrl under ``auto_limit`` triples, else reasonable if installed."""
    if reasoner not in REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r} (use {', '.join(REASONERS)})")
    if reasoner == "auto":
        return "reasonable" if triples >= auto_limit and available("reasonable") else "owlrl"
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
    pending = [n for n in schema_nodes if isinstance(n, BNode)]
    seen: set[Node] = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for _, p, o in graph.triples((node, None, None)):
            out.add((node, p, o))
            if isinstance(o, BNode):
                pending.append(o)
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
    """OWL RL closure with ``reasonable`` (+ owlrl on the TBox), filtered like :func:`infer.closure`."""
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


# -- the disk cache ---------------------------------------------------------------------------------------------

def default_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "gbagraph"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def digest(files: Iterable[Path], *extra: str, root: Path | None = None) -> str:
    """SHA-256 over the files (names relative to ``root``, and bytes) and ``extra`` strings."""
    h = hashlib.sha256()
    for value in extra:
        h.update(value.encode("utf-8") + b"\0")
    for path in sorted(files):
        name = str(path.relative_to(root)) if root else path.name
        h.update(name.encode("utf-8") + b"\0")
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


def library_versions(*names: str) -> str:
    """Versions of the libraries and a hash of our own loading/validating/reasoning code: a cache key part,
    so that a change of code (not only of data) invalidates what was cached."""
    here = Path(__file__).resolve().parent
    code = hashlib.sha256()
    for module in ("store.py", "validate.py", "infer.py", "reason.py", "pipeline.py"):
        code.update((here / module).read_bytes())
    versions = ";".join(f"{n}={_version(n)}" for n in ("gbagraph", "rdflib", *names))
    return f"{versions};code={code.hexdigest()[:16]}"


class DiskCache:
    """Values stored under ``folder/kind/key`` (written atomically; a missing or unreadable entry is a miss)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder else default_cache_dir()

    def path(self, kind: str, key: str, suffix: str = "") -> Path:
        return self.folder / kind / f"{key}{suffix}"

    def get(self, kind: str, key: str, suffix: str = "") -> bytes | None:
        try:
            return self.path(kind, key, suffix).read_bytes()
        except OSError:
            return None

    def put(self, kind: str, key: str, value: bytes, suffix: str = "") -> None:
        target = self.path(kind, key, suffix)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(value)
            os.replace(tmp, target)
        except OSError:
            pass  # a read-only or full disk only costs the next start its speed


def save_inference(cache: DiskCache, key: str, reasoner: str, result: InferenceResult) -> None:
    body = result.inferred.serialize(format="nt", encoding="utf-8")
    meta = {"reasoner": reasoner, "asserted_triples": result.asserted_triples,
            "closure_triples": result.closure_triples, "errors": result.errors}
    cache.put("inferred", key, body, ".nt")
    cache.put("inferred", key, json.dumps(meta).encode("utf-8"), ".json")


def load_inference(cache: DiskCache, key: str) -> tuple[str, InferenceResult] | None:
    body, meta_bytes = cache.get("inferred", key, ".nt"), cache.get("inferred", key, ".json")
    if body is None or meta_bytes is None:
        return None
    try:
        meta = json.loads(meta_bytes)
        graph = Graph()
        graph.parse(io.BytesIO(body), format="nt")
    except Exception:  # a damaged entry is a miss
        return None
    return meta["reasoner"], InferenceResult(inferred=graph, asserted_triples=meta["asserted_triples"],
                                             closure_triples=meta["closure_triples"], errors=meta["errors"])


# -- the cached steps of the pipeline ---------------------------------------------------------------------------

def input_files(settings: Settings, *, shapes: bool) -> list[Path]:
    """The files a start-up step reads: ontology (with or without shapes.ttl) and data."""
    onto = [p for p in settings.ontology_dir.glob("*.ttl") if p.is_file() and (shapes or p.name != "shapes.ttl")]
    return sorted(onto) + [path for _name, path, _para in iter_data_files(settings)]


def cache_for(settings: Settings) -> DiskCache | None:
    return DiskCache(Path(settings.cache_dir) if settings.cache_dir else None) if settings.cache else None


def validate_cached(settings: Settings, bundle: GraphBundle) -> ValidationResult:
    """``require_valid``, skipped when the same inputs (with the same shapes) conformed before."""
    cache = cache_for(settings)
    key = ""
    if cache is not None and settings.shapes_file.exists():
        key = digest(input_files(settings, shapes=True), BASE, library_versions("pyshacl"),
                     root=settings.root)
        hit = cache.get("valid", key, ".json")
        if hit is not None:
            try:
                data = json.loads(hit)
                return ValidationResult(conforms=True, violations=[Violation(**v) for v in data["violations"]],
                                        shapes=data["shapes"])
            except (ValueError, KeyError, TypeError):
                pass
    result = require_valid(bundle, settings.shapes_file)  # raises when it does not conform: never cached
    if cache is not None and key:
        data = {"shapes": result.shapes,
                "violations": [{**asdict(v), "files": list(v.files)} for v in result.violations]}
        cache.put("valid", key, json.dumps(data).encode("utf-8"), ".json")
    return result


def infer_cached(settings: Settings, asserted: Graph) -> tuple[str, InferenceResult]:
    """The closure of ``asserted`` by the configured reasoner, from the disk cache when the inputs are known."""
    name = choose(settings.reasoner, len(asserted), settings.reasoner_auto_limit)
    cache = cache_for(settings)
    key = ""
    if cache is not None:
        key = digest(input_files(settings, shapes=False), BASE, name,
                     library_versions("owlrl", "reasonable"), root=settings.root)
        hit = load_inference(cache, key)
        if hit is not None:
            return hit
    result = fast_closure(asserted) if name == "reasonable" else closure(asserted)
    if cache is not None:
        save_inference(cache, key, name, result)
    return name, result
