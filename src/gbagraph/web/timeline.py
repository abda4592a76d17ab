"""The timeline picture drawn on the server (SVG), with the geometry of ``static/timeline.js`` so that the page
looks the same with or without JavaScript; the script redraws it to the width of the window.  Items may be put in
bands (rows under a heading, e.g. the plenaries and the working meetings of a series) on one shared time axis."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from html import escape

from .links import safe_href

#: the same numbers as ``G`` in static/timeline.js
WIDTH, MARGIN, AXIS_Y, FIRST_ROW, ROW, DOT, TEXT_GAP, FLIP = 760, 16, 28, 60, 40, 6, 10, 0.55
#: bands: the first band's top, a band's heading height, the gap after a band (``G.band*`` in the script)
BAND_TOP, BAND_HEAD, BAND_GAP = 40, 36, 8
_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class Item:
    """One dated thing on a timeline: ISO date, label, a second line, a link, dates it was moved from."""

    date: str
    label: str
    detail: str = ""
    href: str = ""
    previous: tuple[str, ...] = field(default_factory=tuple)
    band: str = ""  # the heading of the row of items it is drawn in ("" when the timeline has no bands)


def year_of(value: str) -> float:
    """``2023-03-21`` → 2023.17 (fractional year); NaN when it is no date."""
    m = _DATE.match(value or "")
    if not m:
        return math.nan
    return int(m[1]) + (int(m[2] or 1) - 1) / 12 + (int(m[3] or 1) - 1) / 365


def _tick_step(span: float) -> int:
    return next((s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500) if span / s <= 10), 1000)


def _num(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _bands(dated: list[Item]) -> list[tuple[str, list[Item]]]:
    """The items by band, bands in order of their first item in the list given."""
    bands: dict[str, list[Item]] = {}
    for it in dated:
        bands.setdefault(it.band, []).append(it)
    return list(bands.items())


def _height(bands: list[tuple[str, list[Item]]], banded: bool) -> int:
    if not banded:  # one row per item under the axis
        return FIRST_ROW + sum(len(its) for _, its in bands) * ROW
    return BAND_TOP + sum(BAND_HEAD + len(its) * ROW + BAND_GAP for _, its in bands)


def _item_svg(it: Item, y: int, x: Callable[[float], float]) -> str:
    """One item: its dot (and any dots it was moved from), its label and detail, linked when it has a safe link."""
    cx = x(year_of(it.date))
    href = safe_href(it.href)
    tag = "a" if href else "g"
    out = [f'<{tag} class="tl-item"' + (f' href="{escape(href)}">' if href else ">")]
    tip = " · ".join(filter(None, (it.date, it.label, it.detail)))
    out.append(f"<title>{escape(tip)}</title>")
    for p in it.previous:
        px = x(year_of(p))
        out.append(f'<line class="tl-moved" x1="{_num(px)}" y1="{y}" x2="{_num(cx)}" y2="{y}"/>'
                   f'<circle class="tl-previous" cx="{_num(px)}" cy="{y}" r="{DOT - 1}">'
                   f"<title>announced for {escape(p)}</title></circle>")
    out.append(f'<circle class="tl-dot" cx="{_num(cx)}" cy="{y}" r="{DOT}"/>')
    xs = [cx, *(x(year_of(p)) for p in it.previous)]  # the text goes beside the dot and any moved-from dots
    flip = cx > WIDTH * FLIP
    tx, anchor = (min(xs) - TEXT_GAP, "end") if flip else (max(xs) + TEXT_GAP, "start")
    out.append(f'<text class="tl-label" x="{_num(tx)}" y="{y + 4}" text-anchor="{anchor}">'
               f"{escape(' · '.join(filter(None, (it.date, it.label))))}</text>")
    if it.detail:
        out.append(f'<text class="tl-detail" x="{_num(tx)}" y="{y + 19}" text-anchor="{anchor}">'
                   f"{escape(it.detail)}</text>")
    out.append(f"</{tag}>")
    return "".join(out)


def timeline_svg(items: list[Item]) -> str:
    """The SVG of ``items`` (undated ones left out), with the items as JSON in ``data-items`` for the script. Items
    with a ``band`` are drawn in bands, each under its heading (``<g class="tl-band">``), bands in the order of their
    first item in ``items``; without bands, one row per item."""
    order = {band: i for i, band in reversed(list(enumerate(it.band for it in items)))}
    dated = sorted((it for it in items if not math.isnan(year_of(it.date))),
                   key=lambda it: (order[it.band], year_of(it.date)))
    times = [year_of(d) for it in dated for d in (it.date, *it.previous) if not math.isnan(year_of(d))]
    lo = math.floor(min(times)) if times else 2000
    hi = math.floor(max(times)) + 1 if times else lo + 1
    step = _tick_step(hi - lo)
    lo, hi = lo // step * step, math.ceil(hi / step) * step

    def x(t: float) -> float:
        return MARGIN + (t - lo) / (hi - lo) * (WIDTH - 2 * MARGIN)

    bands = _bands(dated)
    banded = any(name for name, _ in bands)
    height = _height(bands, banded)
    data = escape(json.dumps([asdict(it) | {"href": safe_href(it.href) or ""} for it in dated], ensure_ascii=False),
                  quote=True)
    out = [f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
           f'aria-label="Timeline of {len(dated)} dated items" xmlns="http://www.w3.org/2000/svg" data-items="{data}">',
           f'<line class="tl-axis" x1="{MARGIN}" y1="{AXIS_Y}" x2="{WIDTH - MARGIN}" y2="{AXIS_Y}"/>']
    for year in range(lo, hi + 1, step):
        out.append(f'<line class="tl-tick" x1="{_num(x(year))}" y1="{AXIS_Y - 4}" x2="{_num(x(year))}" y2="{height}"/>'
                   f'<text class="tl-year" x="{_num(x(year))}" y="{AXIS_Y - 9}" text-anchor="middle">{year}</text>')
    top, y = BAND_TOP, FIRST_ROW
    for name, its in bands:
        if banded:
            out.append(f'<g class="tl-band" data-band="{escape(name)}">'
                       f'<line class="tl-rule" x1="{MARGIN}" y1="{top}" x2="{WIDTH - MARGIN}" y2="{top}"/>'
                       f'<text class="tl-heading" x="{MARGIN}" y="{top + 22}">{escape(name or "other")} ({len(its)})</text>')
            y = top + BAND_HEAD + 16
        for it in its:
            out.append(_item_svg(it, y, x))
            y += ROW
        if banded:
            out.append("</g>")
            top += BAND_HEAD + len(its) * ROW + BAND_GAP
    out.append("</svg>")
    return "".join(out)
