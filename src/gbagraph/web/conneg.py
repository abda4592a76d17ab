"""Content negotiation, once, at the edge: Werkzeug's ``MIMEAccept`` over the format registry (plus HTML for
people).  The engines and the response cache are handed the chosen format and never look at ``Accept``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from .. import formats
from ..errors import NotAcceptable, UnknownFormat
from ..formats import Format

HTML = "html"
HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_CONTENT_TYPE = "text/html; charset=utf-8"

#: the request parameters clients name an answer format in (Fuseki, Virtuoso, sparqler; SPARQLWrapper sends all)
FORMAT_PARAMETERS = ("format", "output", "results")


def accept_of(header: str | None) -> MIMEAccept:
    """An ``Accept`` header, parsed (an empty one accepts anything)."""
    return parse_accept_header(header, MIMEAccept)


def best(accept: MIMEAccept, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers (``*/*`` and ties go to the first offered), or None."""
    if not accept:
        return offered[0] if offered else None
    return accept.best_match(offered)


def _offers(candidates: Iterable[Format]) -> dict[str, Format]:
    """Every media type (aliases included) → its format, in the order given."""
    out: dict[str, Format] = {}
    for fmt in candidates:
        for media in (fmt.media_type, *fmt.aliases):
            if "/" in media:
                out.setdefault(media, fmt)
    return out


def negotiate(accept: MIMEAccept, candidates: Sequence[Format]) -> Format | None:
    """The format among ``candidates`` (default first) the client prefers, or None if it accepts none."""
    offers = _offers(candidates)
    chosen = best(accept, list(offers))
    return offers[chosen] if chosen else None


def query_format(form: str | None, accept: MIMEAccept, requested: Sequence[str]) -> Format | None:
    """The format of the answer to a query of ``form``: the first ``format=``/``output=``/``results=`` value
    that names a format fitting the form, else the best for ``Accept``, else the form's default.

    A known name that does not fit (``csv`` for a CONSTRUCT) falls back to ``Accept``; a value no format is
    known by is a 400.  An ASK is never answered in CSV or TSV: a client accepting only those gets a 406.
    None when ``form`` is not a query form (the engine reports the text's error).
    """
    if form not in formats.FORM_KINDS:
        return None
    values = [v.strip() for raw in requested for v in raw.split(",") if v.strip()]
    fitting = formats.for_form(form)
    known, unknown = False, None
    for value in values:
        try:
            fmt = formats.by_parameter(value, form)
        except UnknownFormat as exc:
            unknown = unknown or exc
            continue
        if fmt is not None:
            return fmt
        known = True
    if unknown is not None and not known:
        raise unknown
    fmt = negotiate(accept, fitting)
    if fmt is not None:
        return fmt
    if form == "ASK" and negotiate(accept, [formats.by_name("csv"), formats.by_name("tsv")]):
        carriers = ", ".join(f"{f.media_type} ({f.name})" for f in fitting)
        raise NotAcceptable(f"an ASK answer is a boolean, which CSV and TSV cannot carry; accept one of: {carriers}")
    return fitting[0]  # clients such as rdflib's SPARQLStore send a results-only Accept for CONSTRUCT


def choose(accept: str | None, kinds: Iterable[str], *, html: bool = True,
           default: Format | str = HTML) -> Format | str | None:
    """The first acceptable of HTML (if ``html``) and the formats of ``kinds`` for an ``Accept`` header.

    No header or ``*/*`` gives ``default``; None when nothing offered is acceptable.
    """
    kinds = tuple(kinds)
    candidates = [f for f in formats.FORMATS if f.kind in kinds]
    offers: dict[str, Format | str] = {}
    if default == HTML:
        offers.update({t: HTML for t in HTML_TYPES})
    elif isinstance(default, Format):
        candidates.sort(key=lambda f: f is not default)
    offers.update(_offers(candidates))
    if html:
        offers.update({t: HTML for t in HTML_TYPES if t not in offers})
    parsed = accept_of(accept)
    if not parsed:
        return default
    chosen = best(parsed, list(offers))
    return offers[chosen] if chosen else None


def pick(accept: str | None, format_param: str | None, kinds: Iterable[str], *, html: bool = True,
         default: Format | str = HTML) -> Format | str:
    """``format=`` (wins) or the ``Accept`` header; 406 listing what is offered when nothing fits."""
    kinds = tuple(kinds)
    if format_param:
        if html and format_param.strip().lower() in (HTML, *HTML_TYPES):
            return HTML
        return formats.by_name(format_param, kinds)
    chosen = choose(accept, kinds, html=html, default=default)
    if chosen is None:
        offered = ([HTML_TYPES[0]] if html else []) + [f.media_type for f in formats.FORMATS if f.kind in kinds]
        raise NotAcceptable(f"cannot answer with any type in Accept: {accept}; offered: {', '.join(offered)}")
    return chosen
