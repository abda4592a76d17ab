/* gbagraph query page: a small SPARQL editor (highlighting, line numbers, completion, bracket matching, error
   markers), examples, running queries, results (sortable, paged table; yes/no badge; Turtle; bar chart and
   timeline views), downloads and permalinks.  Hand-written, no dependencies, works offline. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("config").textContent);
  var root = config.root || "";
  var textarea = document.getElementById("query");
  var highlight = document.getElementById("highlight");
  var gutter = document.getElementById("gutter-lines");
  var popup = document.getElementById("completion");
  var statusEl = document.getElementById("status");
  var errorEl = document.getElementById("error");
  var resultsEl = document.getElementById("results");
  var downloadsEl = document.getElementById("downloads");
  var PAGE_SIZE = 100, CHART_ROWS = 50, TIMELINE_ROWS = 200;
  var prefixList = Object.keys(config.prefixes).map(function (p) { return [p, config.prefixes[p]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });
  var vocabulary = { prefixes: config.prefixes, terms: [] };

  var KEYWORDS = ("SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED PREFIX BASE OPTIONAL FILTER UNION MINUS GRAPH " +
    "SERVICE SILENT BIND VALUES AS GROUP BY ORDER HAVING LIMIT OFFSET DISTINCT REDUCED ASC DESC NOT IN EXISTS " +
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE " +
    "RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE " +
    "STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA512 " +
    "COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRUE FALSE " +
    "A INSERT DELETE DATA LOAD CLEAR DROP CREATE").split(" ");
  var KW = {};
  KEYWORDS.forEach(function (k) { KW[k] = true; });
  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                                   // 1 comment
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                                     // 3 IRI
    "([?$][A-Za-z0-9_\\u00B7-\\uFFFF]+)",                           // 4 variable
    "([A-Za-z][\\w.-]*:[\\w.:%-]*|:[\\w.:%-]*)",                    // 5 prefixed name
    "(@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",                               // 6 language tag
    "([+-]?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)",                    // 7 number
    "([A-Za-z_][A-Za-z0-9_]*)"                                      // 8 word
  ].join("|"), "g");
  var BRACKETS = { "(": ")", "[": "]", "{": "}", ")": "(", "]": "[", "}": "{" };

  function esc(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // ---- the editor -------------------------------------------------------------------------------------------

  var marks = {};          // offset -> CSS class of the one character there (bracket match, error)
  var errorAt = null;      // {line, column, offset} of the last syntax error, until the text changes
  var tabReleased = false; // after Esc, Tab leaves the editor

  /** Ranges [start, end) of comments, strings and IRIs: brackets inside them do not count. */
  function quotedRanges(text) {
    var out = [], m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      if (m[1] || m[2] || m[3]) { out.push([m.index, m.index + m[0].length]); }
    }
    return out;
  }

  function inRanges(ranges, i) {
    for (var k = 0; k < ranges.length; k++) { if (i >= ranges[k][0] && i < ranges[k][1]) { return true; } }
    return false;
  }

  /** The bracket next to the caret and its partner: [at, partner] (partner -1 when unmatched), or null. */
  function matchBracket(text, caret) {
    var ranges = quotedRanges(text);
    var candidates = [caret - 1, caret];
    for (var c = 0; c < candidates.length; c++) {
      var at = candidates[c], ch = text.charAt(at);
      if (!BRACKETS[ch] || inRanges(ranges, at)) { continue; }
      var open = "([{".indexOf(ch) >= 0, partner = BRACKETS[ch], depth = 0, step = open ? 1 : -1;
      for (var i = at; i >= 0 && i < text.length; i += step) {
        if (inRanges(ranges, i)) { continue; }
        if (text.charAt(i) === ch) { depth++; } else if (text.charAt(i) === partner) { depth--; }
        if (depth === 0) { return [at, i]; }
      }
      return [at, -1];
    }
    return null;
  }

  /** Escaped text of [start, start + s.length), with marked characters wrapped in their spans. */
  function emit(s, start) {
    var out = "", last = 0;
    Object.keys(marks).map(Number).sort(function (a, b) { return a - b; }).forEach(function (offset) {
      var i = offset - start;
      if (i < 0 || i >= s.length) { return; }
      var ch = s.charAt(i);
      out += esc(s.slice(last, i));
      out += ch === "\n" ? '<span class="' + marks[offset] + ' at-eol"> </span>\n'
        : '<span class="' + marks[offset] + '">' + esc(ch) + "</span>";
      last = i + 1;
    });
    return out + esc(s.slice(last));
  }

  /** SPARQL text → HTML with <span class="tok-…"> around each token and the marks. */
  function highlightSparql(text) {
    var out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      out += emit(text.slice(last, m.index), last);
      var cls = m[1] ? "comment" : m[2] ? "string" : m[3] ? "iri" : m[4] ? "var" : m[5] ? "pname" :
        m[6] ? "lang" : m[7] ? "number" : KW[m[8].toUpperCase()] ? "keyword" : "";
      var inner = emit(m[0], m.index);
      out += cls ? '<span class="tok-' + cls + '">' + inner + "</span>" : inner;
      last = TOKEN.lastIndex;
    }
    out += emit(text.slice(last), last);
    if (marks[text.length]) { out += '<span class="' + marks[text.length] + ' at-eol"> </span>'; }
    return out + "\n";
  }

  function renderGutter(text) {
    var lines = text.split("\n").length, html = "";
    for (var i = 1; i <= lines; i++) {
      var bad = errorAt && errorAt.line === i;
      html += '<div class="ln' + (bad ? " error" : "") + '"' + (bad ? ' title="syntax error here"' : "") + ">" + i +
        "</div>";
    }
    gutter.innerHTML = html;
  }

  function addMark(offset, cls) {
    marks[offset] = marks[offset] ? marks[offset] + " " + cls : cls;
  }

  function render() {
    var text = textarea.value;
    marks = {};
    if (document.activeElement === textarea && textarea.selectionStart === textarea.selectionEnd) {
      var pair = matchBracket(text, textarea.selectionStart);
      if (pair) {  // added to an error mark at the same place, not instead of it
        addMark(pair[0], pair[1] < 0 ? "bracket-unmatched" : "bracket-match");
        if (pair[1] >= 0) { addMark(pair[1], "bracket-match"); }
      }
    }
    if (errorAt) { marks[errorAt.offset] = "tok-error"; }  // after the brackets: an error on a bracket stays marked
    highlight.innerHTML = highlightSparql(text);
    renderGutter(text);
    syncScroll();
  }

  function refresh() {
    render();
    links();
  }

  function syncScroll() {
    highlight.scrollTop = textarea.scrollTop;
    highlight.scrollLeft = textarea.scrollLeft;
    gutter.style.transform = "translateY(" + (-textarea.scrollTop) + "px)";
  }

  /** 1-based line and column → offset in the text (clamped to the line's end). */
  function offsetOf(text, line, column) {
    var lines = text.split("\n"), offset = 0;
    line = Math.max(1, Math.min(line, lines.length));
    for (var i = 0; i < line - 1; i++) { offset += lines[i].length + 1; }
    return offset + Math.max(0, Math.min(column - 1, lines[line - 1].length));
  }

  /** Line and column of a syntax error: the JSON body's "line"/"column", else "line L, column C" in its text. */
  function errorPosition(body, type) {
    var line = null, column = null;
    if (type.indexOf("json") >= 0) {
      try {
        var data = JSON.parse(body);
        if (Number.isInteger(data.line) && Number.isInteger(data.column)) { line = data.line; column = data.column; }
        body = data.message || data.detail || body;
      } catch (e) { /* not JSON after all: read the text */ }
    }
    if (line === null) {
      var m = /line (\d+),? column (\d+)/i.exec(body);
      if (m) { line = Number(m[1]); column = Number(m[2]); }
    }
    return { line: line, column: column, message: body };
  }

  function markError(line, column) {
    errorAt = line === null ? null : { line: line, column: column, offset: offsetOf(textarea.value, line, column) };
    render();
  }

  // ---- checked while typing: /sparql/check parses (never evaluates) and says what /sparql would say -------------

  var checkEl = document.getElementById("check"), checkTimer = null, checkSeq = 0, CHECK_DELAY = 400;

  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkEl.hidden = true;
    checkTimer = setTimeout(checkNow, CHECK_DELAY);
  }

  function checkNow() {
    var text = textarea.value, mine = ++checkSeq;
    if (!text.trim()) { return; }
    fetch(root + "/sparql/check", { method: "POST", body: new URLSearchParams({ query: text }) })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (verdict) {
        if (!verdict || mine !== checkSeq || text !== textarea.value) { return; }  // the text moved on
        checkEl.hidden = verdict.ok;
        checkEl.textContent = verdict.ok ? "" : verdict.message;
        if (!verdict.ok && Number.isInteger(verdict.line)) { markError(verdict.line, verdict.column); }
      }).catch(function () { /* checking is a help only: Run still says everything */ });
  }

  // ---- completion ---------------------------------------------------------------------------------------------

  var completion = { items: [], active: 0, start: 0 };

  /** The word before the caret that completion replaces, and where it starts. */
  function wordBeforeCaret() {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var m = /(?:[?$][A-Za-z0-9_]*|[A-Za-z][\w.-]*:[\w.-]*|:[\w.-]*|[A-Za-z_][\w-]*)$/.exec(before);
    var word = m ? m[0] : "";
    return { word: word, start: textarea.selectionStart - word.length };
  }

  function startsWith(s, p) { return s.toLowerCase().indexOf(p.toLowerCase()) === 0; }

  /** Completions of ``word``: variables of the query, prefixed terms of the vocabulary, prefixes, keywords. */
  function candidates(word, start) {
    if (/^[?$]/.test(word)) {
      var seen = {}, out = [], m, re = /[?$]([A-Za-z0-9_]+)/g, text = textarea.value;
      while ((m = re.exec(text)) !== null) {
        var name = "?" + m[1];
        if (m.index === start || seen[name] || !startsWith(name.slice(1), word.slice(1))) { continue; }
        seen[name] = true;
        out.push({ text: name, kind: "variable", note: "variable" });
      }
      return out;
    }
    if (word.indexOf(":") >= 0) {
      var terms = vocabulary.terms.filter(function (t) { return startsWith(t.name, word); });
      if (!terms.length) {  // also match inside the local name: "skos:label" finds skos:prefLabel
        var prefix = word.slice(0, word.indexOf(":") + 1), rest = word.slice(prefix.length).toLowerCase();
        terms = vocabulary.terms.filter(function (t) {
          return startsWith(t.name, prefix) && t.name.slice(prefix.length).toLowerCase().indexOf(rest) >= 0;
        });
      }
      return terms.map(function (t) { return { text: t.name, kind: t.kind, note: t.label || t.kind }; });
    }
    var prefixes = Object.keys(vocabulary.prefixes).filter(function (p) { return startsWith(p, word); })
      .sort().map(function (p) { return { text: p + ":", kind: "prefix", note: vocabulary.prefixes[p] }; });
    var keywords = word ? KEYWORDS.filter(function (k) { return k.length > 1 && startsWith(k, word); })
      .map(function (k) { return { text: k, kind: "keyword", note: "keyword" }; }) : [];
    return prefixes.concat(keywords);
  }

  function caretPoint() {
    var style = getComputedStyle(textarea);
    var before = textarea.value.slice(0, textarea.selectionStart).split("\n");
    var canvas = caretPoint.canvas || (caretPoint.canvas = document.createElement("canvas"));
    var ctx = canvas.getContext("2d");
    ctx.font = style.fontSize + " " + style.fontFamily;
    var lineHeight = parseFloat(style.lineHeight) || 20;
    return {
      top: textarea.offsetTop + parseFloat(style.paddingTop) + before.length * lineHeight - textarea.scrollTop + 2,
      left: textarea.offsetLeft + parseFloat(style.paddingLeft) +
        ctx.measureText(before[before.length - 1]).width - textarea.scrollLeft
    };
  }

  function openCompletion(force) {
    var w = wordBeforeCaret();
    var items = candidates(w.word, w.start);
    if (!items.length || (!force && items.length === 1 && items[0].text === w.word)) {
      closeCompletion();
      if (force) { statusEl.textContent = "no completions for “" + w.word + "”"; }
      return;
    }
    completion = { items: items.slice(0, 200), active: 0, start: w.start };
    popup.innerHTML = "";
    completion.items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "completion-" + i;
      li.setAttribute("role", "option");
      li.className = "kind-" + item.kind;
      var name = document.createElement("span");
      name.className = "name";
      name.textContent = item.text;
      var note = document.createElement("span");
      note.className = "note";
      note.textContent = item.note;
      li.appendChild(name);
      li.appendChild(note);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); accept(i); });
      popup.appendChild(li);
    });
    var at = caretPoint();
    var editor = textarea.closest(".editor");
    popup.style.top = Math.min(at.top, editor.clientHeight - 40) + "px";
    popup.style.left = Math.max(0, Math.min(at.left + textarea.parentNode.offsetLeft, editor.clientWidth - 260)) + "px";
    popup.hidden = false;
    textarea.setAttribute("aria-expanded", "true");
    setActive(0);
  }

  function setActive(i) {
    var n = completion.items.length;
    completion.active = (i + n) % n;
    Array.prototype.forEach.call(popup.children, function (li, k) {
      li.classList.toggle("active", k === completion.active);
      li.setAttribute("aria-selected", k === completion.active ? "true" : "false");
    });
    var current = popup.children[completion.active];
    if (current) {
      current.scrollIntoView({ block: "nearest" });
      textarea.setAttribute("aria-activedescendant", current.id);
    }
  }

  function closeCompletion() {
    popup.hidden = true;
    textarea.setAttribute("aria-expanded", "false");
    textarea.removeAttribute("aria-activedescendant");
  }

  function accept(i) {
    var item = completion.items[i];
    textarea.focus();
    textarea.setRangeText(item.text, completion.start, textarea.selectionStart, "end");
    closeCompletion();
    clearError();
    refresh();
    if (item.kind === "prefix") { openCompletion(false); }  // go on with the prefix's terms
  }

  function clearError() {
    if (errorAt) { errorAt = null; }
  }

  // ---- links, downloads ---------------------------------------------------------------------------------------

  var DOWNLOADS = {
    select: [["csv", "CSV"], ["tsv", "TSV"], ["json", "JSON"]],
    ask: [["json", "JSON"]],
    graph: [["turtle", "Turtle"], ["nt", "N-Triples"], ["jsonld", "JSON-LD"]]
  };
  var EXTENSIONS = { csv: "csv", tsv: "tsv", json: "srj", turtle: "ttl", nt: "nt", jsonld: "jsonld" };

  /** "select", "ask" or "graph" (CONSTRUCT/DESCRIBE): the first query-form keyword outside comments/strings/IRIs. */
  function queryForm(text) {
    var plain = "", last = 0;
    quotedRanges(text).forEach(function (r) { plain += text.slice(last, r[0]) + " "; last = r[1]; });
    plain += text.slice(last);
    var m = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(plain);
    var form = m ? m[1].toLowerCase() : "select";
    return form === "construct" || form === "describe" ? "graph" : form;
  }

  function links() {
    var q = encodeURIComponent(textarea.value);
    document.getElementById("permalink").href = root + "/?query=" + q;
    var form = queryForm(textarea.value);
    if (downloadsEl.dataset.form === form && downloadsEl.dataset.query === q) { return; }
    downloadsEl.dataset.form = form;
    downloadsEl.dataset.query = q;
    downloadsEl.textContent = "Download: ";
    DOWNLOADS[form].forEach(function (f, i) {
      var a = document.createElement("a");
      a.id = "download-" + f[0];
      // CSV for spreadsheets: /query.csv neutralises formulas (=, +, -, @); the others are the protocol's own
      a.href = f[0] === "csv" ? root + "/query.csv?query=" + q : root + "/sparql?query=" + q + "&format=" + f[0] + "&download=1";
      a.setAttribute("download", "results." + EXTENSIONS[f[0]]);
      a.textContent = f[1];
      if (i) { downloadsEl.appendChild(document.createTextNode(" · ")); }
      downloadsEl.appendChild(a);
    });
  }

  // ---- results ------------------------------------------------------------------------------------------------

  function localHref(iri) {
    if (iri.indexOf(config.base) === 0) {
      var rest = iri.slice(config.base.length);
      if (/^(id|def|graph)\//.test(rest)) { return root + "/" + rest; }
    }
    return /^https?:\/\/[^\s]/.test(iri) ? iri : null;  // the link policy (web/links.py): the web or ours
  }

  function shorten(iri) {
    for (var i = 0; i < prefixList.length; i++) {
      var ns = prefixList[i][1];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length) { return prefixList[i][0] + ":" + iri.slice(ns.length); }
    }
    return "<" + iri + ">";
  }

  var XSD = config.prefixes.xsd;
  var NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsignedInt|unsignedLong|unsignedShort|unsignedByte)$/;
  var DATES = [XSD + "date", XSD + "dateTime", XSD + "gYear", XSD + "gYearMonth"];

  function isNumeric(term) { return term && term.type !== "uri" && term.type !== "bnode" && NUMERIC.test(term.datatype || ""); }
  function isDate(term) { return term && term.type !== "uri" && DATES.indexOf(term.datatype) >= 0; }

  function display(term) {
    if (!term) { return ""; }
    return term.type === "uri" ? shorten(term.value) : term.type === "bnode" ? "_:" + term.value : term.value;
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var href = localHref(term.value);
      var el = document.createElement(href ? "a" : "span");
      if (href) { el.href = href; }
      el.title = term.value;
      el.textContent = shorten(term.value);
      td.appendChild(el);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
      td.className = "bnode";
    } else {
      td.textContent = term.value;
      td.className = isNumeric(term) ? "literal num" : "literal";
      var plain = /#(string|integer)$/.test(term.datatype || "");
      var note = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype && !plain ? shorten(term.datatype) : "";
      if (note) {
        var small = document.createElement("span");
        small.className = "note";
        small.textContent = " " + note;
        td.appendChild(small);
      }
    }
    return td;
  }

  function compareTerms(a, b) {
    if (!a || !b) { return !a && !b ? 0 : !a ? 1 : -1; }  // unbound last
    if (isNumeric(a) && isNumeric(b)) { return Number(a.value) - Number(b.value); }
    return display(a).localeCompare(display(b), undefined, { numeric: true, sensitivity: "base" });
  }

  /** The answer being shown: its variables, rows (in the current order), sort and page. */
  var shown = null;

  /** Columns whose bound values all pass ``test`` (at least one bound). */
  function columnsWhere(vars, rows, test) {
    return vars.filter(function (v) {
      return rows.every(function (r) { return !r[v] || test(r[v]); }) && rows.some(function (r) { return r[v]; });
    });
  }

  /** Numbers that say where or which, not how much: never a chart's value unless chosen. */
  var ORDINAL_NAME = /(ordinal|paragraph|number|^n?o$|^num$|index|position|rank|^id$|year|^seq)/i;
  var LABEL_NAME = /(label|name|title)/i;

  function isText(term) { return term && term.type === "literal" && !isNumeric(term) && !isDate(term) &&
    !/#boolean$/.test(term.datatype || ""); }

  /** The column that names a row best: a label/name/title, else a linked thing, else text; not ``but``. */
  function labelColumn(vars, rows, but) {
    var free = vars.filter(function (v) { return but.indexOf(v) < 0; });
    var named = free.filter(function (v) { return LABEL_NAME.test(v); });
    var linked = columnsWhere(free, rows, function (t) { return t.type === "uri"; });
    var text = columnsWhere(free, rows, isText);
    return named.concat(text, linked)[0] || free[0];
  }

  /** What the bar chart can show: the numeric columns and, guessed, a value (not an ordinal) and a label. */
  function chartColumns(vars, rows) {
    var numeric = columnsWhere(vars, rows, isNumeric);
    if (!numeric.length) { return null; }
    var value = numeric.filter(function (v) { return !ORDINAL_NAME.test(v); })[0] || "";
    return { values: numeric, value: value, label: labelColumn(vars, rows, numeric) };
  }

  /** What the timeline can show: the date columns (xsd:date, gYear, gYearMonth, dateTime) and a label. */
  function timelineColumns(vars, rows) {
    var dates = columnsWhere(vars, rows, isDate);
    if (!dates.length) { return null; }
    var numeric = columnsWhere(vars, rows, isNumeric);
    return { dates: dates, date: dates[0], label: labelColumn(vars, rows, dates.concat(numeric)) };
  }

  function svgEl(name, attrs, text) {
    var node = document.createElementNS(window.GbaTimeline.SVG_NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function barChart(rows, cols) {
    if (!cols.value) {
      var p = document.createElement("p");
      p.className = "note";
      p.textContent = "Choose the column of values to draw (its numbers look like positions or ordinals, so none " +
        "was picked).";
      return p;
    }
    var data = rows.filter(function (r) { return r[cols.value]; }).slice(0, CHART_ROWS);
    var max = Math.max.apply(null, data.map(function (r) { return Number(r[cols.value].value); }).concat([0]));
    var labelWidth = 240, width = Math.max(480, resultsEl.clientWidth - 20), barRow = 22;
    var svg = svgEl("svg", { "class": "bar-chart", width: width, height: data.length * barRow + 10,
      viewBox: "0 0 " + width + " " + (data.length * barRow + 10), role: "img",
      "aria-label": "Bar chart of ?" + cols.value + " by ?" + cols.label });
    data.forEach(function (r, i) {
      var n = Number(r[cols.value].value), y = 5 + i * barRow;
      var w = max > 0 ? Math.max(1, (width - labelWidth - 70) * n / max) : 1;
      var name = display(r[cols.label]) || "(none)";
      var href = r[cols.label] && r[cols.label].type === "uri" ? localHref(r[cols.label].value) : null;
      var g = svgEl(href ? "a" : "g", { "class": "bar-row" });
      if (href) { g.setAttribute("href", href); }
      g.appendChild(svgEl("title", {}, name + ": " + n));
      g.appendChild(svgEl("text", { "class": "bar-label", x: labelWidth - 8, y: y + 14, "text-anchor": "end" },
        name.length > 34 ? name.slice(0, 33) + "…" : name));
      g.appendChild(svgEl("rect", { "class": "bar", x: labelWidth, y: y + 2, width: w, height: barRow - 6 }));
      g.appendChild(svgEl("text", { "class": "bar-value", x: labelWidth + w + 6, y: y + 14 }, String(n)));
      svg.appendChild(g);
    });
    return svg;
  }

  function timelineView(rows, cols) {
    var items = rows.filter(function (r) { return r[cols.date]; }).slice(0, TIMELINE_ROWS).map(function (r) {
      var label = cols.label ? r[cols.label] : null;
      return { date: r[cols.date].value, label: display(label) || "",
               href: label && label.type === "uri" ? localHref(label.value) || "" : "" };
    });
    return window.GbaTimeline.render(items, { width: Math.max(480, resultsEl.clientWidth - 20) });
  }

  function button(text, id, onClick, pressed) {
    var b = document.createElement("button");
    b.type = "button";
    b.id = id;
    b.textContent = text;
    if (pressed !== undefined) { b.setAttribute("aria-pressed", pressed ? "true" : "false"); }
    b.addEventListener("click", onClick);
    return b;
  }

  function drawTable() {
    var vars = shown.vars, rows = shown.rows;
    var pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    shown.page = Math.max(0, Math.min(shown.page, pages - 1));
    var first = shown.page * PAGE_SIZE, slice = rows.slice(first, first + PAGE_SIZE);
    var frag = document.createDocumentFragment();
    var table = document.createElement("table");
    table.className = "results-table";
    var tr = document.createElement("tr");
    vars.forEach(function (v) {
      var th = document.createElement("th");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.textContent = "?" + v;
      b.title = "sort by ?" + v;
      th.setAttribute("aria-sort", shown.sortVar === v ? (shown.sortDir > 0 ? "ascending" : "descending") : "none");
      b.addEventListener("click", function () { sortBy(v); });
      th.appendChild(b);
      tr.appendChild(th);
    });
    table.createTHead().appendChild(tr);
    var tbody = table.createTBody();
    slice.forEach(function (row) {
      var r = document.createElement("tr");
      vars.forEach(function (v) { r.appendChild(cell(row[v])); });
      tbody.appendChild(r);
    });
    frag.appendChild(table);
    if (pages > 1) {
      var pager = document.createElement("div");
      pager.className = "pager";
      var prev = button("‹ Previous", "page-prev", function () { shown.page--; drawView(); });
      var next = button("Next ›", "page-next", function () { shown.page++; drawView(); });
      prev.disabled = shown.page === 0;
      next.disabled = shown.page === pages - 1;
      var where = document.createElement("span");
      where.id = "page-info";
      where.textContent = "rows " + (first + 1) + "–" + (first + slice.length) + " of " + rows.length +
        " (page " + (shown.page + 1) + " of " + pages + ")";
      pager.appendChild(prev);
      pager.appendChild(where);
      pager.appendChild(next);
      frag.appendChild(pager);
    }
    return frag;
  }

  function sortBy(v) {
    shown.sortDir = shown.sortVar === v ? -shown.sortDir : 1;
    shown.sortVar = v;
    var dir = shown.sortDir;
    shown.rows = shown.original.map(function (r, i) { return [r, i]; }).sort(function (a, b) {
      return dir * compareTerms(a[0][v], b[0][v]) || a[1] - b[1];
    }).map(function (p) { return p[0]; });
    shown.page = 0;
    drawView();
  }

  /** A <select> of ``options`` (column names) bound to ``cols[key]``, redrawing the view on change. */
  function columnPicker(label, id, options, cols, key, allowNone) {
    var wrap = document.createElement("label");
    wrap.className = "picker";
    wrap.textContent = label + " ";
    var sel = document.createElement("select");
    sel.id = id;
    (allowNone ? [""] : []).concat(options).forEach(function (v) {
      var o = document.createElement("option");
      o.value = v;
      o.textContent = v ? "?" + v : "(choose)";
      o.selected = v === cols[key];
      sel.appendChild(o);
    });
    sel.addEventListener("change", function () { cols[key] = sel.value; drawView(); });
    wrap.appendChild(sel);
    return wrap;
  }

  function pickers() {
    var box = document.createElement("div");
    box.className = "pickers";
    if (shown.view === "chart") {
      box.appendChild(columnPicker("Bars:", "pick-label", shown.vars, shown.chart, "label"));
      box.appendChild(columnPicker("Value:", "pick-value", shown.chart.values, shown.chart, "value", true));
    } else if (shown.view === "timeline") {
      box.appendChild(columnPicker("Date:", "pick-date", shown.timeline.dates, shown.timeline, "date"));
      box.appendChild(columnPicker("Label:", "pick-label", shown.vars, shown.timeline, "label"));
    }
    return box;
  }

  /** The rows whose shown text holds the filter's text (any column, any case). */
  function filtered() {
    var needle = shown.filter.trim().toLowerCase();
    if (!needle) { return shown.rows; }
    return shown.rows.filter(function (r) {
      return shown.vars.some(function (v) { return r[v] && (display(r[v]) + " " + r[v].value).toLowerCase().indexOf(needle) >= 0; });
    });
  }

  function drawView() {
    var area = document.getElementById("view-area");
    area.textContent = "";
    document.querySelectorAll(".views button").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.view === shown.view ? "true" : "false");
    });
    document.getElementById("row-filter").hidden = shown.view === "turtle" || shown.view === "graph";
    if (shown.view === "turtle") { area.appendChild(turtleView()); return; }
    if (shown.view === "graph") { area.appendChild(graphView()); return; }
    var all = shown.rows, rows = filtered();
    shown.rows = rows;
    var limit = { chart: CHART_ROWS, timeline: TIMELINE_ROWS }[shown.view];
    area.appendChild(pickers());
    if (shown.view === "chart") { area.appendChild(barChart(rows, shown.chart)); }
    else if (shown.view === "timeline") { area.appendChild(timelineView(rows, shown.timeline)); }
    else { area.appendChild(drawTable()); }
    shown.rows = all;
    if (rows.length !== all.length) {
      var count = document.createElement("p");
      count.className = "note";
      count.id = "filter-count";
      count.textContent = rows.length + " of " + all.length + " rows match the filter.";
      area.insertBefore(count, area.firstChild);
    }
    if (limit && rows.length > limit) {
      var note = document.createElement("p");
      note.className = "note";
      note.textContent = "The first " + limit + " of " + rows.length + " rows, in the table's order.";
      area.appendChild(note);
    }
  }

  /** Views (table, chart, timeline; for a graph also Turtle and the drawing), a filter box and the view area. */
  function renderRows(vars, rows, graph) {
    shown = { vars: vars, rows: rows.slice(), original: rows, sortVar: null, sortDir: 1, page: 0, view: "table",
              filter: "", graph: graph || null,
              chart: graph ? null : chartColumns(vars, rows), timeline: graph ? null : timelineColumns(vars, rows) };
    var bar = document.createElement("div");
    bar.className = "result-bar";
    var views = document.createElement("div");
    views.className = "views";
    views.setAttribute("role", "group");
    views.setAttribute("aria-label", "result view");
    [["table", "Table", true], ["chart", "Bar chart", shown.chart], ["timeline", "Timeline", shown.timeline],
     ["turtle", "Turtle", graph], ["graph", "Graph", graph]].forEach(function (v) {
      if (!v[2]) { return; }
      var b = button(v[1], "view-" + v[0], function () { shown.view = v[0]; drawView(); }, v[0] === "table");
      b.dataset.view = v[0];
      views.appendChild(b);
    });
    if (views.children.length > 1) { bar.appendChild(views); }
    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = "row-filter";
    filter.placeholder = "Filter rows…";
    filter.setAttribute("aria-label", "Filter the rows shown");
    filter.addEventListener("input", function () { shown.filter = filter.value; shown.page = 0; drawView(); });
    bar.appendChild(filter);
    resultsEl.appendChild(bar);
    var area = document.createElement("div");
    area.id = "view-area";
    resultsEl.appendChild(area);
    drawView();
  }

  function renderSelect(data) {
    var rows = data.results.bindings;
    renderRows(data.head.vars, rows);
    return rows.length + (rows.length === 1 ? " row" : " rows");
  }

  function renderAsk(value) {
    var p = document.createElement("p");
    p.className = "ask-badge " + (value ? "yes" : "no");
    p.innerHTML = '<span class="mark" aria-hidden="true">' + (value ? "✔" : "✘") + "</span> " +
      (value ? "Yes" : "No") + ' <span class="note">— the pattern ' + (value ? "has a match" : "has no match") + "</span>";
    resultsEl.appendChild(p);
    return "ASK: " + (value ? "yes" : "no");
  }

  /** Turtle without the @prefix lines of prefixes its body does not use. */
  function usedPrefixesOnly(turtle) {
    var lines = turtle.split("\n"), decl = /^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<[^>]*>\s*\.?\s*$/i;
    var body = lines.filter(function (l) { return !decl.test(l); }).join("\n");
    return lines.filter(function (l) {
      var m = decl.exec(l);
      if (!m) { return true; }
      var p = (m[1] || "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return new RegExp("(^|[\\s;,(\\[^])" + p + ":").test(body);
    }).join("\n").replace(/^\n+/, "");
  }

  // ---- graph answers (CONSTRUCT, DESCRIBE): N-Triples read into a table of triples; Turtle; a drawing ------

  var NT_TERM = '(<[^>]*>|_:[^\\s]+|"(?:[^"\\\\]|\\\\.)*"(?:@[A-Za-z0-9-]+|\\^\\^<[^>]*>)?)';
  var NT_LINE = new RegExp("^\\s*" + NT_TERM + "\\s+" + NT_TERM + "\\s+" + NT_TERM + "\\s*\\.\\s*$");

  function unescapeNt(s) {
    return s.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, function (_, e) {
      if (e.length > 1) { return String.fromCodePoint(parseInt(e.slice(1), 16)); }
      return { t: "\t", b: "\b", n: "\n", r: "\r", f: "\f" }[e] || e;
    });
  }

  /** An N-Triples term as a SPARQL JSON results term. */
  function ntTerm(text) {
    if (text.charAt(0) === "<") { return { type: "uri", value: unescapeNt(text.slice(1, -1)) }; }
    if (text.charAt(0) === "_") { return { type: "bnode", value: text.slice(2) }; }
    var m = /^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$/.exec(text);
    var term = { type: "literal", value: unescapeNt(m[1]) };
    if (m[2]) { term["xml:lang"] = m[2]; }
    if (m[3]) { term.datatype = m[3]; }
    return term;
  }

  function parseNTriples(body) {
    var rows = [];
    body.split("\n").forEach(function (line) {
      var m = NT_LINE.exec(line);
      if (m) { rows.push({ subject: ntTerm(m[1]), predicate: ntTerm(m[2]), object: ntTerm(m[3]) }); }
    });
    return rows;
  }

  function turtleView() {
    var pre = document.createElement("pre");
    pre.className = "graph";
    var g = shown.graph;
    if (g.turtle !== undefined) { pre.textContent = g.turtle; return pre; }
    pre.textContent = "loading the Turtle…";
    fetch(root + "/sparql", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded",
      "Accept": "text/turtle" }, body: new URLSearchParams({ query: g.query }) })
      .then(function (r) { return r.text().then(function (t) { return r.ok ? usedPrefixesOnly(t) : t; }); })
      .then(function (t) { g.turtle = t; pre.textContent = t; })
      .catch(function (e) { pre.textContent = "The Turtle could not be fetched: " + e; });
    return pre;
  }

  function graphView() {
    var g = shown.graph;
    if (shown.rows.length > window.GbaGraphView.MAX_TRIPLES) {
      var p = document.createElement("p");
      p.className = "note";
      p.textContent = "The drawing is made for answers of up to " + window.GbaGraphView.MAX_TRIPLES +
        " triples; this one has " + shown.rows.length + ". Narrow the query (LIMIT) to draw it.";
      return p;
    }
    return window.GbaGraphView.render(g.triples, { width: Math.max(320, resultsEl.clientWidth - 20),
      label: display, href: function (t) { return t.type === "uri" ? localHref(t.value) : null; } });
  }

  function renderGraph(body, type, query) {
    if (type.indexOf("application/n-triples") !== 0) {  // a server that would not give N-Triples: its text
      var pre = document.createElement("pre");
      pre.className = "graph";
      pre.textContent = type.indexOf("text/turtle") === 0 ? usedPrefixesOnly(body) : body;
      resultsEl.appendChild(pre);
      return type.split(";")[0];
    }
    var triples = parseNTriples(body);
    renderRows(["subject", "predicate", "object"], triples, { query: query, triples: triples });
    return triples.length + (triples.length === 1 ? " triple" : " triples");
  }

  function showError(text) {
    errorEl.textContent = text;
    errorEl.hidden = false;
  }

  // ---- runs, tabs, history --------------------------------------------------------------------------------------
  // Each tab holds its text and at most one run.  A run's answer is kept with the text that produced it and is
  // drawn only if it is still the tab's latest run (a counter); Cancel aborts the request (the server stops a
  // query whose client went away).

  var runButton = document.getElementById("run"), cancelButton = document.getElementById("cancel");
  var answerFor = document.getElementById("answer-for");
  var TABS_KEY = "gbagraph.tabs", HISTORY_KEY = "gbagraph.history", HISTORY_MAX = 50;
  var tabs = [], active = 0;

  function stored(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }

  function store(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode or full: not kept */ }
  }

  function newTab(text, name) {
    return { text: text, name: name || "", seq: 0, controller: null, answer: null };
  }

  function tab() { return tabs[active]; }

  function saveTabs() {
    tab().text = textarea.value;
    store(TABS_KEY, { active: active, tabs: tabs.map(function (t) { return { text: t.text, name: t.name }; }) });
  }

  function tabTitle(t, i) {
    if (t.name) { return t.name; }
    var form = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(t.text.replace(/#[^\n]*/g, ""));
    return "Query " + (i + 1) + (form ? " · " + form[1].toUpperCase() : "");
  }

  function drawTabs() {
    var bar = document.getElementById("tabs");
    bar.textContent = "";
    tabs.forEach(function (t, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "tab" + (t.controller ? " running" : "");
      b.setAttribute("role", "tab");
      b.setAttribute("aria-selected", i === active ? "true" : "false");
      b.textContent = tabTitle(t, i);
      b.addEventListener("click", function () { switchTab(i); });
      bar.appendChild(b);
      if (tabs.length > 1) {
        var x = document.createElement("button");
        x.type = "button";
        x.className = "tab-close";
        x.title = "Close " + tabTitle(t, i);
        x.setAttribute("aria-label", x.title);
        x.textContent = "×";
        x.addEventListener("click", function () { closeTab(i); });
        bar.appendChild(x);
      }
    });
    var add = document.createElement("button");
    add.type = "button";
    add.id = "new-tab";
    add.className = "tab-new";
    add.title = "New tab";
    add.setAttribute("aria-label", "New tab");
    add.textContent = "+";
    add.addEventListener("click", function () { openTab(config.initial || "", ""); });
    bar.appendChild(add);
  }

  function switchTab(i) {
    saveTabs();
    if (i !== active) { history.replaceState(null, "", root + "/"); }
    active = Math.max(0, Math.min(i, tabs.length - 1));
    textarea.value = tab().text;
    errorAt = null;
    closeCompletion();
    refresh();
    showAnswer();
    saveTabs();
    drawTabs();
  }

  function openTab(text, name) {
    saveTabs();
    tabs.push(newTab(text, name));
    switchTab(tabs.length - 1);
  }

  function closeTab(i) {
    if (tabs[i].controller) { tabs[i].seq++; tabs[i].controller.abort(); }
    saveTabs();
    tabs.splice(i, 1);
    active = i < active || active >= tabs.length ? Math.max(0, active - 1) : active;
    textarea.value = tab().text;
    switchTab(active);
  }

  function loadTabs() {
    var saved = stored(TABS_KEY, null);
    if (saved && Array.isArray(saved.tabs) && saved.tabs.length) {
      tabs = saved.tabs.map(function (t) { return newTab(String(t.text || ""), String(t.name || "")); });
      active = Math.max(0, Math.min(Number(saved.active) || 0, tabs.length - 1));
      if (config.fromUrl) {  // a permalink opens in the tab that holds its text, or in a tab of its own
        var same = tabs.map(function (t) { return t.text; }).indexOf(textarea.value);
        if (same < 0) { tabs.push(newTab(textarea.value, "")); }
        active = same < 0 ? tabs.length - 1 : same;
      }
    } else {
      tabs = [newTab(textarea.value, "")];
    }
    textarea.value = tab().text;
    drawTabs();
  }

  function remember(text) {
    var list = stored(HISTORY_KEY, []).filter(function (h) { return h && h.query !== text; });
    list.unshift({ query: text, at: new Date().toISOString() });
    store(HISTORY_KEY, list.slice(0, HISTORY_MAX));
    drawHistory();
  }

  function drawHistory() {
    var list = document.getElementById("history-list");
    var items = stored(HISTORY_KEY, []);
    list.textContent = "";
    document.getElementById("history-count").textContent = items.length ? "(" + items.length + ")" : "";
    items.forEach(function (h) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "history-item";
      b.title = h.query;
      b.textContent = h.query.replace(/^(\s*(#[^\n]*|PREFIX[^\n]*)?\n)+/i, "").replace(/\s+/g, " ").slice(0, 80);
      b.addEventListener("click", function () { setText(h.query); statusEl.textContent = "loaded from history"; });
      var when = document.createElement("span");
      when.className = "note";
      when.textContent = " " + String(h.at).slice(0, 16).replace("T", " ");
      li.appendChild(b);
      li.appendChild(when);
      list.appendChild(li);
    });
  }

  function setText(text) {
    textarea.value = text;
    errorAt = null;
    textarea.setSelectionRange(0, 0);
    textarea.scrollTop = 0;
    textarea.scrollLeft = 0;
    textarea.focus({ preventScroll: true });
    refresh();
    saveTabs();
    drawTabs();
    showAnswerFor();
    scheduleCheck();
  }

  function setRunning() {
    var running = !!tab().controller;
    runButton.disabled = running;
    runButton.textContent = running ? "Running…" : "Run ▶";
    cancelButton.hidden = !running;
    cancelButton.disabled = !running;
    document.getElementById("editor").classList.toggle("running", running);
    drawTabs();
  }

  /** Says so when the answer shown is for another text than the editor's (the text was changed since). */
  function showAnswerFor() {
    var answer = tab().answer;
    answerFor.hidden = !answer || !answer.query || answer.query === textarea.value;
  }

  /** Draw the current tab's state: running, its last answer (or error, or cancellation), or nothing. */
  function showAnswer() {
    var t = tab(), answer = t.answer;
    errorEl.hidden = true;
    resultsEl.textContent = "";
    shown = null;
    statusEl.className = "status";
    statusEl.textContent = "";
    setRunning();
    showAnswerFor();
    if (t.controller) {
      statusEl.textContent = "running…";
      statusEl.className = "status busy";
      return;
    }
    if (!answer) { return; }
    if (answer.cancelled) {
      statusEl.textContent = "cancelled after " + answer.ms + " ms";
      return;
    }
    if (answer.failed) {
      statusEl.textContent = "failed";
      statusEl.className = "status failed";
      showError("The server could not be reached: " + answer.failed);
      return;
    }
    if (!answer.ok) {
      statusEl.textContent = "error " + answer.status;
      statusEl.className = "status failed";
      var err = errorPosition(answer.body, answer.type);
      showError(err.message);
      if (err.line !== null && answer.query === textarea.value) { markError(err.line, err.column); }
      return;
    }
    var summary;
    if (answer.type.indexOf("application/sparql-results+json") === 0) {
      var data = JSON.parse(answer.body);
      summary = typeof data.boolean === "boolean" ? renderAsk(data.boolean) : renderSelect(data);
    } else {
      summary = renderGraph(answer.body, answer.type, answer.query);
    }
    statusEl.textContent = summary + " in " + answer.ms + " ms";
  }

  function run() {
    var t = tab(), text = textarea.value;
    if (t.controller) { t.controller.abort(); }  // one run at a time: a new run replaces the one under way
    var mine = ++t.seq, controller = new AbortController(), started = performance.now();
    clearTimeout(checkTimer);
    checkSeq++;
    checkEl.hidden = true;
    t.controller = controller;
    t.answer = null;
    errorAt = null;
    render();
    closeCompletion();
    remember(text);
    saveTabs();
    history.replaceState(null, "", root + "/?query=" + encodeURIComponent(text));
    showAnswer();
    function done(answer) {
      if (t.seq !== mine) { return; }  // a later run or a cancel came after this one: its answer is not shown
      answer.ms = Math.round(performance.now() - started);
      answer.query = text;
      t.controller = null;
      t.answer = answer;
      if (t === tab()) { showAnswer(); } else { drawTabs(); }
    }
    fetch(root + "/sparql", {
      method: "POST",
      signal: controller.signal,
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, application/n-triples;q=0.9, text/plain;q=0.1" },
      body: new URLSearchParams({ query: text })
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      return response.text().then(function (body) {
        done({ ok: response.ok, status: response.status, type: type, body: body });
      });
    }).catch(function (err) {
      done(err && err.name === "AbortError" ? { cancelled: true } : { failed: String(err) });
    });
  }

  function cancel() {
    var t = tab();
    if (!t.controller) { return; }
    var controller = t.controller;
    t.seq++;
    t.controller = null;
    t.answer = { cancelled: true, ms: 0, query: textarea.value };
    controller.abort();
    showAnswer();
    statusEl.textContent = "cancelled";
  }

  function loadExample(i) {
    var example = config.examples[i];
    setText(example.text);
    document.querySelectorAll(".example").forEach(function (b) { b.classList.remove("current"); });
    document.querySelector('.example[data-index="' + i + '"]').classList.add("current");
    statusEl.textContent = "loaded: " + example.title;
    if (example.needs && example.needs.length) {
      statusEl.textContent += " — federated: this server may not call " + example.needs.join(", ") +
        " (see service_allowlist)";
    }
  }

  function addPrefixes() {
    var missing = config.prologue.split("\n").filter(function (line) {
      var m = /^PREFIX (\S+:)/.exec(line);
      return m && !new RegExp("PREFIX\\s+" + m[1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i").test(textarea.value);
    });
    textarea.value = missing.join("\n") + (missing.length ? "\n" : "") + textarea.value;
    errorAt = null;
    refresh();
  }

  // ---- keys -----------------------------------------------------------------------------------------------------

  textarea.addEventListener("input", function () {
    errorAt = null;
    refresh();
    saveTabs();
    showAnswerFor();
    scheduleCheck();
    var w = wordBeforeCaret().word;
    if (/^[A-Za-z][\w.-]*:[\w.-]*$/.test(w) || (!popup.hidden && w)) { openCompletion(false); } else { closeCompletion(); }
  });
  textarea.addEventListener("scroll", syncScroll);
  textarea.addEventListener("focus", function () { tabReleased = false; render(); });
  textarea.addEventListener("blur", function () { closeCompletion(); render(); });
  ["click", "keyup"].forEach(function (ev) {
    textarea.addEventListener(ev, function (e) {
      if (ev === "keyup" && !/^(Arrow|Home|End|Page)/.test(e.key)) { return; }
      render();
    });
  });
  textarea.addEventListener("keydown", function (e) {
    var open = !popup.hidden;
    if (open && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      setActive(completion.active + (e.key === "ArrowDown" ? 1 : -1));
      return;
    }
    if (open && (e.key === "Enter" || e.key === "Tab") && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      e.preventDefault();
      accept(completion.active);
      return;
    }
    if (e.key === "Escape") {
      if (open) { closeCompletion(); return; }
      tabReleased = true;
      statusEl.textContent = "Tab now moves to the next control";
      return;
    }
    if (e.key === " " && e.ctrlKey) { e.preventDefault(); openCompletion(true); return; }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); return; }
    if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey) {
      if (tabReleased) { tabReleased = false; return; }  // let the browser move the focus on
      e.preventDefault();
      textarea.setRangeText("  ", textarea.selectionStart, textarea.selectionEnd, "end");
      refresh();
      return;
    }
    if (e.key !== "Shift") { tabReleased = false; }
  });
  runButton.addEventListener("click", run);
  cancelButton.addEventListener("click", cancel);
  document.getElementById("answer-for-restore").addEventListener("click", function () {
    if (tab().answer) { setText(tab().answer.query); showAnswer(); }
  });
  document.getElementById("history-clear").addEventListener("click", function () {
    store(HISTORY_KEY, []);
    drawHistory();
  });
  document.getElementById("add-prefixes").addEventListener("click", addPrefixes);
  document.querySelectorAll(".example").forEach(function (b) {
    b.addEventListener("click", function () { loadExample(Number(b.dataset.index)); });
  });
  fetch(root + "/vocabulary.json").then(function (r) { return r.ok ? r.json() : null; }).then(function (v) {
    if (v) { vocabulary = v; }
    textarea.closest(".editor").dataset.vocabulary = v ? "loaded" : "failed";
  }).catch(function () { /* completion keeps to prefixes and variables */ });
  loadTabs();
  drawHistory();
  refresh();
  if (config.autorun) { run(); }
}());
