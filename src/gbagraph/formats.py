"""The only table of serialisation formats: name ↔ media type ↔ rdflib plugin ↔ Oxigraph format ↔ extension.

Three kinds of format: ``results`` (SELECT/ASK answers), ``graph`` (triples: CONSTRUCT/DESCRIBE, pages) and
``dataset`` (quads: dumps with named graphs kept).  :func:`for_form` says which formats carry the answer of a
query form, :func:`by_parameter` reads the short names clients send in ``format=``/``output=``/``results=``.
Choosing among them for an ``Accept`` header is the web layer's (``web.conneg``); the core never negotiates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import NotAcceptable, UnknownFormat


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
           ("application/json", "srj", "sparql-results+json")),
    Format("xml", "application/sparql-results+xml", "results", "srx", "xml", "XML",
           ("application/xml", "text/xml", "srx", "sparql-results+xml")),
    Format("csv", "text/csv", "results", "csv", "csv", "CSV"),
    Format("tsv", "text/tab-separated-values", "results", "tsv", "tsv", "TSV", ("tab-separated-values",)),
    # triples
    Format("turtle", "text/turtle", "graph", "ttl", "turtle", "TURTLE",
           ("application/x-turtle", "application/turtle", "ttl", "n3", "text/n3", "text/rdf+n3")),
    Format("nt", "application/n-triples", "graph", "nt", "nt", "N_TRIPLES",
           ("text/plain", "ntriples", "n-triples", "ntriple")),
    Format("jsonld", "application/ld+json", "graph", "jsonld", "json-ld", "JSON_LD",
           ("json-ld", "json", "application/x-json+ld", "ld+json")),
    Format("rdfxml", "application/rdf+xml", "graph", "rdf", "xml", "RDF_XML",
           ("rdf", "owl", "xml", "rdf+xml", "application/xml", "text/xml")),
    # quads (named graphs kept)
    Format("nq", "application/n-quads", "dataset", "nq", "nquads", "N_QUADS", ("nquads", "n-quads")),
    Format("trig", "application/trig", "dataset", "trig", "trig", "TRIG"),
)

_BY_NAME = {f.name: f for f in FORMATS}
_BY_MEDIA = {f.media_type: f for f in FORMATS}

DEFAULTS = {"results": _BY_NAME["json"], "graph": _BY_NAME["turtle"], "dataset": _BY_NAME["trig"]}


#: formats that carry a boolean (an ASK answer): SPARQL's CSV and TSV define none, and clients misread them
BOOLEAN = ("json", "xml")

#: the query forms and the kind of format their answers take
FORM_KINDS = {"SELECT": "results", "ASK": "results", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


def for_form(form: str) -> tuple[Format, ...]:
    """The formats that can carry the answer to a query of ``form`` (``SELECT``, ``ASK``, …), default first."""
    kind = FORM_KINDS[form]
    out = [f for f in FORMATS if f.kind == kind and (form != "ASK" or f.name in BOOLEAN)]
    out.sort(key=lambda f: f is not DEFAULTS[kind])
    return tuple(out)


def _names(fmt: Format) -> tuple[str, ...]:
    return (fmt.name, fmt.media_type, *fmt.aliases)


def by_name(name: str, kinds: Iterable[str] = ("results", "graph", "dataset")) -> Format:
    """The format called ``name`` (a short name, alias or media type) among ``kinds``.

    ``xml`` means SPARQL results XML for results and RDF/XML for graphs, ``json`` SPARQL results JSON and JSON-LD.
    """
    kinds = tuple(kinds)
    key = name.strip().lower()
    for fmt in FORMATS:
        if fmt.kind in kinds and key in _names(fmt):
            return fmt
    known = ", ".join(f.name for f in FORMATS if f.kind in kinds)
    raise UnknownFormat(f"unknown format {name!r}; known: {known}")


def by_parameter(value: str, form: str) -> Format | None:
    """The format a ``format=``/``output=``/``results=`` value names for a query of ``form``, as Fuseki and
    Oxigraph read them (``json``, ``xml``, ``rdf+xml``, ``n3``, ``turtle``, ``csv``, ``tsv``, media types …).

    None when the value is a known name that does not fit the form (``csv`` for a CONSTRUCT, ``csv`` for an ASK:
    the caller falls back to the ``Accept`` header); :class:`UnknownFormat` naming the known values otherwise.
    """
    key = value.strip().lower()
    fitting = for_form(form)
    for fmt in fitting:
        if key in _names(fmt):
            return fmt
    if any(key in _names(fmt) for fmt in FORMATS if fmt.kind != "dataset"):
        return None
    known = sorted({n for f in FORMATS if f.kind != "dataset" for n in (f.name, *f.aliases) if "/" not in n})
    raise UnknownFormat(f"unknown format {value!r}; known: {', '.join(known)} (or a media type)")


def answer_format(name: str | None, form: str) -> Format:
    """The format an engine writes a ``form`` answer in: the one named (chosen by the caller), or the default."""
    if not name:
        return for_form(form)[0]
    fmt = by_parameter(name, form)
    if fmt is None:
        wanted = "a boolean" if form == "ASK" else f"a {form} answer"
        carriers = ", ".join(f.name for f in for_form(form))
        raise NotAcceptable(f"format {name!r} cannot carry {wanted}; use one of: {carriers}")
    return fmt


def media_types(kind: str) -> list[str]:
    """Media types of one kind, for service descriptions and error messages."""
    return [f.media_type for f in FORMATS if f.kind == kind]
