/* gbagraph graph view: the triples of a CONSTRUCT or DESCRIBE answer drawn as nodes and arrows (an SVG), laid
   out by a small force simulation (Fruchterman-Reingold, fixed steps, so the same answer gives the same picture).
   Hand-written, no dependencies.
   GbaGraphView.render(triples, {width, label(term), href(term)}) -> <svg>; triple = {subject, predicate, object}
   with SPARQL JSON terms ({type, value}). */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var MAX_TRIPLES = 300;
  var LABELS = ["http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
                "https://schema.org/name", "http://xmlns.com/foaf/0.1/name"];

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function cut(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  /** Nodes (one per IRI or blank node; one per literal occurrence) and edges (one per triple, except the labels,
      which name their node instead). */
  function build(triples, label) {
    var nodes = [], byKey = {}, edges = [], names = {};
    triples.forEach(function (t) {
      if (t.object.type === "literal" && LABELS.indexOf(t.predicate.value) >= 0 && !names[t.subject.value]) {
        names[t.subject.value] = t.object.value;
      }
    });
    function node(term, i) {
      var key = term.type === "literal" ? "literal " + i : term.type + " " + term.value;
      if (!byKey[key]) {
        byKey[key] = { term: term, literal: term.type === "literal", index: nodes.length,
                       text: term.type === "literal" ? label(term) : names[term.value] || label(term) };
        nodes.push(byKey[key]);
      }
      return byKey[key];
    }
    triples.forEach(function (t, i) {
      if (t.object.type === "literal" && names[t.subject.value] === t.object.value &&
          LABELS.indexOf(t.predicate.value) >= 0) { return; }
      edges.push({ from: node(t.subject, i), to: node(t.object, i), text: label(t.predicate) });
    });
    return { nodes: nodes, edges: edges };
  }

  /** Positions for the nodes inside width × height: start on a circle, then repel all pairs, pull along edges
      and a little towards the middle; at the end the drawing is scaled to fit the box (room for labels). */
  function layout(nodes, edges, width, height) {
    var n = nodes.length, k = Math.sqrt(width * height / Math.max(1, n)) * 0.5, temp = width / 10;
    nodes.forEach(function (v, i) {
      v.x = width / 2 + Math.cos(2 * Math.PI * i / n) * width / 3;
      v.y = height / 2 + Math.sin(2 * Math.PI * i / n) * height / 3;
    });
    var steps = n > 150 ? 150 : 300;
    for (var step = 0; step < steps; step++) {
      nodes.forEach(function (v) { v.dx = (width / 2 - v.x) * 0.02 * k / 10; v.dy = (height / 2 - v.y) * 0.02 * k / 10; });
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var a = nodes[i], b = nodes[j], dx = a.x - b.x, dy = a.y - b.y, d = Math.sqrt(dx * dx + dy * dy) || 0.01;
          var f = k * k / d;
          a.dx += dx / d * f; a.dy += dy / d * f; b.dx -= dx / d * f; b.dy -= dy / d * f;
        }
      }
      edges.forEach(function (e) {
        var dx = e.from.x - e.to.x, dy = e.from.y - e.to.y, d = Math.sqrt(dx * dx + dy * dy) || 0.01, f = d * d / k;
        e.from.dx -= dx / d * f; e.from.dy -= dy / d * f; e.to.dx += dx / d * f; e.to.dy += dy / d * f;
      });
      nodes.forEach(function (v) {
        var d = Math.sqrt(v.dx * v.dx + v.dy * v.dy) || 0.01, m = Math.min(d, temp);
        v.x += v.dx / d * m;
        v.y += v.dy / d * m;
      });
      temp = Math.max(temp * 0.98, 0.5);
    }
    var xs = nodes.map(function (v) { return v.x; }), ys = nodes.map(function (v) { return v.y; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys),
      y1 = Math.max.apply(null, ys);
    var left = 20, right = Math.min(170, width / 4), top = 20, bottom = 20;
    nodes.forEach(function (v) {
      v.x = left + (x1 > x0 ? (v.x - x0) / (x1 - x0) : 0.5) * (width - left - right);
      v.y = top + (y1 > y0 ? (v.y - y0) / (y1 - y0) : 0.5) * (height - top - bottom);
    });
  }

  function render(triples, options) {
    var width = options.width || 760, height = Math.max(360, Math.round(width * 0.7));
    var g = build(triples, options.label);
    layout(g.nodes, g.edges, width, height);
    var svg = el("svg", { "class": "graph-view", width: width, height: height, viewBox: "0 0 " + width + " " + height,
      role: "img", "aria-label": "Graph of " + triples.length + " triples (" + g.nodes.length + " nodes)" });
    var defs = el("defs");
    var marker = el("marker", { id: "gv-arrow", viewBox: "0 0 10 10", refX: "16", refY: "5", markerWidth: "7",
      markerHeight: "7", orient: "auto-start-reverse" });
    marker.appendChild(el("path", { d: "M 0 0 L 10 5 L 0 10 z", "class": "gv-arrow" }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    var edges = el("g", { "class": "gv-edges" });
    g.edges.forEach(function (e) {
      var line = el("line", { "class": "gv-edge", x1: e.from.x.toFixed(1), y1: e.from.y.toFixed(1),
        x2: e.to.x.toFixed(1), y2: e.to.y.toFixed(1), "marker-end": "url(#gv-arrow)" });
      line.appendChild(el("title", {}, e.text));
      edges.appendChild(line);
      edges.appendChild(el("text", { "class": "gv-edge-label", x: ((e.from.x + e.to.x) / 2).toFixed(1),
        y: ((e.from.y + e.to.y) / 2 - 3).toFixed(1), "text-anchor": "middle" }, cut(e.text, 24)));
    });
    svg.appendChild(edges);
    var nodes = el("g", { "class": "gv-nodes" });
    g.nodes.forEach(function (v) {
      var href = v.literal ? null : options.href(v.term);
      var item = el(href ? "a" : "g", { "class": "gv-item" });
      if (href) { item.setAttribute("href", href); }
      item.appendChild(el("title", {}, v.term.value));
      item.appendChild(el("circle", { "class": v.literal ? "gv-node gv-literal" : "gv-node", cx: v.x.toFixed(1),
        cy: v.y.toFixed(1), r: v.literal ? 4 : 7 }));
      item.appendChild(el("text", { "class": "gv-label", x: (v.x + 9).toFixed(1), y: (v.y + 4).toFixed(1) },
        cut(v.text, 30)));
      nodes.appendChild(item);
    });
    svg.appendChild(nodes);
    return svg;
  }

  window.GbaGraphView = { render: render, MAX_TRIPLES: MAX_TRIPLES };
}());
