"""Content negotiation for the web layer: the format registry plus HTML for people."""

from __future__ import annotations

from collections.abc import Iterable

from .. import formats
from ..errors import NotAcceptable
from ..formats import Format

HTML = "html"
HTML_TYPES = ("text/html", "application/xhtml+xml")
HTML_CONTENT_TYPE = "text/html; charset=utf-8"


def choose(accept: str | None, kinds: Iterable[str], *, html: bool = True,
           default: Format | str = HTML) -> Format | str | None:
    """The first acceptable of HTML (if ``html``) and the formats of ``kinds`` for an ``Accept`` header.

    No header or ``*/*`` gives ``default``; None when nothing offered is acceptable.
    """
    kinds = tuple(kinds)
    ranges = formats.parse_accept(accept)
    if not ranges:
        return default
    for media_range, _q in ranges:
        if media_range == "*/*":
            return default
        if html and media_range in HTML_TYPES:
            return HTML
        fmt = formats.negotiate(media_range, kinds, fallback=False)
        if fmt is not None:
            return fmt
    return None


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
