/* gbagraph timeline: dated items drawn as an SVG, one row per item, a dot at its date on a shared time axis.
   Used by the query page's timeline view and the series page (which the server also draws, with the same
   geometry, in web/timeline.py, so that it works without JavaScript).  Hand-written, no dependencies.
   GbaTimeline.render(items, {width}) -> <svg>; item = {date, label, detail, href, previous: [dates], band}.
   Items with a band are drawn in bands (a heading, then one row per item), bands in order of their first item. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var G = { width: 760, margin: 16, axisY: 28, firstRow: 60, row: 40, dot: 6, textGap: 10, flip: 0.55,
    bandTop: 40, bandHead: 36, bandGap: 8 };

  /** "2023-03-21", "2023-03", "2023", "2023-03-21T10:00:00" -> fractional year, or NaN. */
  function yearOf(value) {
    var m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(String(value || ""));
    if (!m) { return NaN; }
    return Number(m[1]) + ((m[2] ? Number(m[2]) : 1) - 1) / 12 + ((m[3] ? Number(m[3]) : 1) - 1) / 365;
  }

  function tickStep(span) {
    var steps = [1, 2, 5, 10, 20, 50, 100, 200, 500];
    for (var i = 0; i < steps.length; i++) { if (span / steps[i] <= 10) { return steps[i]; } }
    return 1000;
  }

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /** The dated items by band: [[name, [items by date]]], bands in order of their first item in ``items``. */
  function bands(items) {
    var order = [], byBand = {};
    items.filter(function (it) { return !isNaN(yearOf(it.date)); }).forEach(function (it) {
      var band = it.band || "";
      if (!Object.prototype.hasOwnProperty.call(byBand, band)) { byBand[band] = []; order.push(band); }
      byBand[band].push(it);
    });
    return order.map(function (band) {
      return [band, byBand[band].slice().sort(function (a, b) { return yearOf(a.date) - yearOf(b.date); })];
    });
  }

  function drawItem(svg, it, y, x, width) {
    var cx = x(yearOf(it.date));
    var href = /^(https?:\/\/[^\s]|\/(?!\/))/.test(it.href || "") ? it.href : "";  // the link policy (web/links.py)
    var group = el(href ? "a" : "g", { "class": "tl-item" });
    if (href) { group.setAttribute("href", href); }
    group.appendChild(el("title", {}, [it.date, it.label, it.detail].filter(Boolean).join(" · ")));
    (it.previous || []).forEach(function (p) {
      var px = x(yearOf(p));
      group.appendChild(el("line", { "class": "tl-moved", x1: px, y1: y, x2: cx, y2: y }));
      var was = group.appendChild(el("circle", { "class": "tl-previous", cx: px, cy: y, r: G.dot - 1 }));
      was.appendChild(el("title", {}, "announced for " + p));
    });
    group.appendChild(el("circle", { "class": "tl-dot", cx: cx, cy: y, r: G.dot }));
    var xs = [cx].concat((it.previous || []).map(function (p) { return x(yearOf(p)); }));  // text beside them all
    var flip = cx > width * G.flip;
    var tx = flip ? Math.min.apply(null, xs) - G.textGap : Math.max.apply(null, xs) + G.textGap;
    var anchor = flip ? "end" : "start";
    group.appendChild(el("text", { "class": "tl-label", x: tx, y: y + 4, "text-anchor": anchor },
      it.label ? it.date + " · " + it.label : it.date));
    if (it.detail) {
      group.appendChild(el("text", { "class": "tl-detail", x: tx, y: y + 19, "text-anchor": anchor }, it.detail));
    }
    svg.appendChild(group);
  }

  function render(items, options) {
    var width = Math.max(360, Math.round((options && options.width) || G.width));
    var grouped = bands(items);
    var banded = grouped.some(function (b) { return b[0]; });
    var dated = [].concat.apply([], grouped.map(function (b) { return b[1]; }));
    var all = [];
    dated.forEach(function (it) {
      all.push(yearOf(it.date));
      (it.previous || []).forEach(function (p) { if (!isNaN(yearOf(p))) { all.push(yearOf(p)); } });
    });
    var lo = all.length ? Math.floor(Math.min.apply(null, all)) : 2000;
    var hi = all.length ? Math.floor(Math.max.apply(null, all)) + 1 : lo + 1;
    var step = tickStep(hi - lo);
    lo = Math.floor(lo / step) * step;
    hi = Math.ceil(hi / step) * step;
    var x = function (t) { return G.margin + (t - lo) / (hi - lo) * (width - 2 * G.margin); };
    var height = banded
      ? grouped.reduce(function (h, b) { return h + G.bandHead + b[1].length * G.row + G.bandGap; }, G.bandTop)
      : G.firstRow + dated.length * G.row;
    var svg = el("svg", { "class": "timeline", viewBox: "0 0 " + width + " " + height, width: width,
      height: height, role: "img", "aria-label": "Timeline of " + dated.length + " dated items" });
    svg.appendChild(el("line", { "class": "tl-axis", x1: G.margin, y1: G.axisY, x2: width - G.margin, y2: G.axisY }));
    for (var year = lo; year <= hi; year += step) {
      svg.appendChild(el("line", { "class": "tl-tick", x1: x(year), y1: G.axisY - 4, x2: x(year), y2: height }));
      svg.appendChild(el("text", { "class": "tl-year", x: x(year), y: G.axisY - 9, "text-anchor": "middle" },
        String(year)));
    }
    var top = G.bandTop, y = G.firstRow;
    grouped.forEach(function (b) {
      var parent = svg;
      if (banded) {
        parent = svg.appendChild(el("g", { "class": "tl-band", "data-band": b[0] }));
        parent.appendChild(el("line", { "class": "tl-rule", x1: G.margin, y1: top, x2: width - G.margin, y2: top }));
        parent.appendChild(el("text", { "class": "tl-heading", x: G.margin, y: top + 22 },
          (b[0] || "other") + " (" + b[1].length + ")"));
        y = top + G.bandHead + 16;
      }
      b[1].forEach(function (it) { drawItem(parent, it, y, x, width); y += G.row; });
      if (banded) { top += G.bandHead + b[1].length * G.row + G.bandGap; }
    });
    return svg;
  }

  /** Redraw every server-drawn timeline that carries its items (data-items) to the width of its container. */
  function enhance() {
    document.querySelectorAll("svg.timeline[data-items]").forEach(function (old) {
      var items = JSON.parse(old.getAttribute("data-items"));
      var box = old.parentNode.getBoundingClientRect().width;
      var svg = render(items, { width: box || G.width });
      svg.setAttribute("data-items", old.getAttribute("data-items"));
      svg.setAttribute("data-drawn", "script");
      old.parentNode.replaceChild(svg, old);
    });
  }

  window.GbaTimeline = { SVG_NS: NS, render: render, enhance: enhance, yearOf: yearOf, geometry: G };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", enhance); } else { enhance(); }
}());
