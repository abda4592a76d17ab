"""The only table of serialisation formats: name ↔ media type ↔ rdflib plugin ↔ Oxigraph format ↔ extension.

Three kinds of format: ``results`` (SELECT/ASK answers), ``graph`` (triples: CONSTRUCT/DESCRIBE, pages) and
``dataset`` (quads: dumps with named graphs kept).  :func:`negotiate` picks one from an ``Accept`` header.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import UnknownFormat


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    kind: str  # "results" | "graph" | "dataset"
    extension: str
    rdflib: str
    oxigraph: str
    aliases: tuple[str, ...] = ()  # other media types and short names clients send
    charset: bool = True

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value for a response in this format."""
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


FORMATS: tuple[Format, ...] = (
    # results of SELECT / ASK
    Format("json", "application/sparql-results+json", "results", "srj", "json", "JSON",
           ("application/json", "srj")),
    Format("xml", "application/sparql-results+xml", "results", "srx", "xml", "XML",
           ("application/xml", "text/xml", "srx")),
    Format("csv", "text/csv", "results", "csv", "csv", "CSV"),
    Format("tsv", "text/tab-separated-values", "results", "tsv", "tsv", "TSV"),
    # triples
    Format("turtle", "text/turtle", "graph", "ttl", "turtle", "TURTLE",
           ("application/x-turtle", "ttl")),
    Format("nt", "application/n-triples", "graph", "nt", "nt", "N_TRIPLES",
           ("text/plain", "ntriples", "n-triples")),
    Format("jsonld", "application/ld+json", "graph", "jsonld", "json-ld", "JSON_LD",
           ("json-ld",)),
    Format("rdfxml", "application/rdf+xml", "graph", "rdf", "xml", "RDF_XML", ("rdf", "owl")),
    # quads (named graphs kept)
    Format("nq", "application/n-quads", "dataset", "nq", "nquads", "N_QUADS", ("nquads", "n-quads")),
    Format("trig", "application/trig", "dataset", "trig", "trig", "TRIG"),
)

_BY_NAME = {f.name: f for f in FORMATS}
_BY_MEDIA = {f.media_type: f for f in FORMATS}

DEFAULTS = {"results": _BY_NAME["json"], "graph": _BY_NAME["turtle"], "dataset": _BY_NAME["trig"]}


def by_name(name: str, kinds: Iterable[str] = ("results", "graph", "dataset")) -> Format:
    """The format called ``name`` (a short name, alias or media type) among ``kinds``.

    ``xml`` means SPARQL results XML for results and RDF/XML for graphs.
    """
    kinds = tuple(kinds)
    key = name.strip().lower()
    if key == "xml" and "results" not in kinds:
        key = "rdfxml"
    for fmt in FORMATS:
        if fmt.kind in kinds and (key == fmt.name or key == fmt.media_type or key in fmt.aliases):
            return fmt
    known = ", ".join(f.name for f in FORMATS if f.kind in kinds)
    raise UnknownFormat(f"unknown format {name!r}; known: {known}")


def parse_accept(accept: str | None) -> list[tuple[str, float]]:
    """``Accept`` header → [(media range, q)] in order of preference (stable for equal q)."""
    if not accept:
        return []
    ranges: list[tuple[str, float, int]] = []
    for i, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        # more specific ranges win ties, then the order the client wrote them in
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, q, -specificity * 1000 + i))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges if q > 0]


def _matches(media_range: str, fmt: Format) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return fmt.media_type.startswith(media_range[:-1])
    return media_range == fmt.media_type or media_range in fmt.aliases


def negotiate(accept: str | None, kinds: Iterable[str], *, fallback: bool = True) -> Format | None:
    """The best format of ``kinds`` for an ``Accept`` header.

    ``*/*`` (or no header) gives the first kind's default.  When nothing acceptable is of these kinds the
    first kind's default is returned if ``fallback`` (clients such as rdflib's SPARQLStore send a
    results-only ``Accept`` for CONSTRUCT; answering in the default beats a 406), else ``None``.
    """
    kinds = tuple(kinds)
    default = DEFAULTS[kinds[0]]
    ranges = parse_accept(accept)
    if not ranges:
        return default
    candidates = [f for f in FORMATS if f.kind in kinds]
    for media_range, _q in ranges:
        if media_range == "*/*":
            return default
        for fmt in candidates:
            if _matches(media_range, fmt):
                return fmt
    return default if fallback else None


def media_types(kind: str) -> list[str]:
    """Media types of one kind, for service descriptions and error messages."""
    return [f.media_type for f in FORMATS if f.kind == kind]
