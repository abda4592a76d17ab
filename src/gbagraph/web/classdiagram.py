"""The class diagram of the ontology page, drawn on the server (SVG, no script): one box per class of ours, as an
indented tree (a subclass one step right of and below its parent, joined by an elbow line), with its instance
count; each box links to the class's section of the page.  Narrow on purpose (about 340 px for four levels), so
that a phone shows it at full size."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from ..ontodoc import ClassDoc
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
