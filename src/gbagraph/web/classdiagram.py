"""The class diagram of the ontology page, drawn on the server (SVG, no script): one box per class of ours, as an
indented tree (a subclass one step right of and below its parent, joined by an elbow line), with its instance
count; each box links to the class's section of the page.  Narrow on purpose (about 340 px for four levels), so
that a phone shows it at full size."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from ..ontodoc import ClassDoc, PropertyDoc
from .links import safe_href

MARGIN, ROW, BOX_H, INDENT, BOX_W, ELBOW = 8, 28, 22, 20, 230, 9


def class_diagram(classes: tuple[ClassDoc, ...], href: Callable[[str], str], short: Callable[[str], str]) -> str:
    """The SVG of ``classes`` (in the order and at the depths of :attr:`OntologyDoc.classes`); ``href`` gives
    each class's link, ``short`` the prefixed name of an external class (for the tooltips)."""
    depth = max((c.depth for c in classes), default=0)
    width, height = 2 * MARGIN + depth * INDENT + BOX_W, 2 * MARGIN + max(len(classes), 1) * ROW - (ROW - BOX_H)
    row = {c.iri: i for i, c in enumerate(classes)}
    box_x = {c.iri: MARGIN + c.depth * INDENT for c in classes}
    out = [f'<svg class="class-diagram" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-label="Class hierarchy of {len(classes)} classes" xmlns="http://www.w3.org/2000/svg">']
    for c in classes:  # the subclass edges first, under the boxes: from the parent the tree puts it under
        parent = next((p for p in c.parents if p in row and row[p] < row[c.iri] and
                       classes[row[p]].depth == c.depth - 1), None)
        if parent is None:
            continue
        x, top, y = box_x[parent] + ELBOW, MARGIN + row[parent] * ROW + BOX_H, MARGIN + row[c.iri] * ROW + BOX_H // 2
        out.append(f'<path class="cd-edge" d="M{x} {top}V{y}H{box_x[c.iri]}"/>')
    for i, c in enumerate(classes):
        x, y = box_x[c.iri], MARGIN + i * ROW
        tip = c.label + (" ⊑ " + ", ".join(short(a) for a in c.aligned) if c.aligned else "") + \
            f" · {c.instances} instance{'s' if c.instances != 1 else ''}"
        link = safe_href(href(c.iri))
        out.append((f'<a class="cd-class" href="{escape(link)}">' if link else '<g class="cd-class">') +
                   f"<title>{escape(tip)}</title>"
                   f'<rect class="cd-box{" cd-empty" if not c.instances else ""}" x="{x}" y="{y}" '
                   f'width="{width - MARGIN - x}" height="{BOX_H}" rx="3"/>'
                   f'<text class="cd-label" x="{x + 6}" y="{y + 15}">{escape(c.label)}</text>'
                   f'<text class="cd-count" x="{width - MARGIN - 6}" y="{y + 15}" text-anchor="end">{c.instances}</text>'
                   + ("</a>" if link else "</g>"))
    out.append("</svg>")
    return "".join(out)


#: the relations drawing: how many properties, and its geometry (two boxes and an arrow per row; about 344 px wide)
RELATIONS, REL_ROW, REL_BOX, REL_ARROW, REL_FIT = 8, 34, 116, 100, 16


def main_relations(properties: tuple[PropertyDoc, ...], classes: dict[str, str]) -> list[tuple[PropertyDoc, str, str]]:
    """(property, domain, range) for the most used object properties between two classes of ours (``classes``:
    IRI -> label), most triples first."""
    pairs = [(p, d, r) for p in properties if p.kind == "object" and p.triples
             for d in p.domains if d in classes for r in p.ranges if r in classes]
    return sorted(pairs, key=lambda t: (-t[0].triples, t[0].label))[:RELATIONS]


def _fitted(x: float, y: float, text: str, css: str, width: float, anchor: str = "middle") -> str:
    """A text element, squeezed to ``width`` when it has more than ``REL_FIT`` characters."""
    fit = f' textLength="{width}" lengthAdjust="spacingAndGlyphs"' if len(text) > REL_FIT else ""
    return f'<text class="{css}" x="{x}" y="{y}" text-anchor="{anchor}"{fit}>{escape(text)}</text>'


def relations_diagram(relations: list[tuple[PropertyDoc, str, str]], classes: dict[str, str],
                      href: Callable[[str], str]) -> str:
    """The SVG of ``relations``: per row, the domain's box, an arrow named by the property, the range's box."""
    width, height = 2 * MARGIN + 2 * REL_BOX + REL_ARROW, 2 * MARGIN + max(len(relations), 1) * REL_ROW - 8
    out = [f'<svg class="relations-diagram" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" aria-label="The {len(relations)} most used relations between classes" '
           'xmlns="http://www.w3.org/2000/svg">',
           '<defs><marker id="rel-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" '
           'orient="auto"><path d="M0 0L8 4L0 8z" class="rel-head"/></marker></defs>']
    for i, (prop, domain, rng) in enumerate(relations):
        y = MARGIN + i * REL_ROW
        out.append(f'<g class="rel" data-property="{escape(prop.iri)}"><title>{escape(classes[domain])} '
                   f"— {escape(prop.label)} → {escape(classes[rng])} · {prop.triples} triples</title>")
        for x, cls in ((MARGIN, domain), (MARGIN + REL_BOX + REL_ARROW, rng)):
            link = safe_href(href(cls))
            out.append((f'<a href="{escape(link)}">' if link else "<g>") +
                       f'<rect class="cd-box" x="{x}" y="{y}" width="{REL_BOX}" height="{BOX_H}" rx="3"/>' +
                       _fitted(x + REL_BOX / 2, y + 15, classes[cls], "cd-label", REL_BOX - 8) +
                       ("</a>" if link else "</g>"))
        x0, x1, mid = MARGIN + REL_BOX, MARGIN + REL_BOX + REL_ARROW, y + BOX_H // 2
        link = safe_href(href(prop.iri))
        out.append(f'<line class="rel-edge" x1="{x0}" y1="{mid}" x2="{x1 - 1}" y2="{mid}" marker-end="url(#rel-arrow)"/>'
                   + (f'<a href="{escape(link)}">' if link else "<g>")
                   + _fitted(x0 + REL_ARROW / 2, mid - 4, prop.label, "rel-label", REL_ARROW - 8)
                   + ("</a>" if link else "</g>") + "</g>")
    out.append("</svg>")
    return "".join(out)
