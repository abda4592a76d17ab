/* gbagraph query page: a small SPARQL highlighter, examples, running queries, a results table, permalinks.
   Hand-written, no dependencies, works offline. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("config").textContent);
  var textarea = document.getElementById("query");
  var highlight = document.getElementById("highlight");
  var statusEl = document.getElementById("status");
  var errorEl = document.getElementById("error");
  var resultsEl = document.getElementById("results");
  var prefixList = Object.keys(config.prefixes).map(function (p) { return [p, config.prefixes[p]]; })
    .sort(function (a, b) { return b[1].length - a[1].length; });

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

  function esc(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /** SPARQL text → HTML with <span class="tok-…"> around each token. */
  function highlightSparql(text) {
    var out = "", last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[0] === "") { TOKEN.lastIndex++; continue; }
      out += esc(text.slice(last, m.index));
      var cls = m[1] ? "comment" : m[2] ? "string" : m[3] ? "iri" : m[4] ? "var" : m[5] ? "pname" :
        m[6] ? "lang" : m[7] ? "number" : KW[m[8].toUpperCase()] ? "keyword" : "";
      out += cls ? '<span class="tok-' + cls + '">' + esc(m[0]) + "</span>" : esc(m[0]);
      last = TOKEN.lastIndex;
    }
    return out + esc(text.slice(last)) + "\n";
  }

  function links() {
    var q = encodeURIComponent(textarea.value);
    document.getElementById("permalink").href = "/?query=" + q;
    document.getElementById("download-csv").href = "/sparql?query=" + q + "&format=csv&download=1";
    document.getElementById("download-json").href = "/sparql?query=" + q + "&format=json&download=1";
  }

  function refresh() {
    highlight.innerHTML = highlightSparql(textarea.value);
    syncScroll();
    links();
  }

  function syncScroll() {
    highlight.scrollTop = textarea.scrollTop;
    highlight.scrollLeft = textarea.scrollLeft;
  }

  function localHref(iri) {
    if (iri.indexOf(config.base) === 0) {
      var rest = iri.slice(config.base.length);
      if (/^(id|def|graph)\//.test(rest)) { return (config.root || "") + "/" + rest; }
    }
    return /^https?:\/\//.test(iri) ? iri : null;
  }

  function shorten(iri) {
    for (var i = 0; i < prefixList.length; i++) {
      var ns = prefixList[i][1];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length) { return prefixList[i][0] + ":" + iri.slice(ns.length); }
    }
    return "<" + iri + ">";
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
      td.className = "literal";
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

  function renderResults(data) {
    resultsEl.textContent = "";
    if (typeof data.boolean === "boolean") {
      var p = document.createElement("p");
      p.className = "boolean";
      p.textContent = data.boolean ? "true" : "false";
      resultsEl.appendChild(p);
      return "ASK: " + p.textContent;
    }
    var vars = data.head.vars, rows = data.results.bindings;
    var table = document.createElement("table");
    table.className = "results-table";
    var tr = document.createElement("tr");
    vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = "?" + v; tr.appendChild(th); });
    table.createTHead().appendChild(tr);
    var tbody = table.createTBody();
    rows.forEach(function (row) {
      var r = document.createElement("tr");
      vars.forEach(function (v) { r.appendChild(cell(row[v])); });
      tbody.appendChild(r);
    });
    resultsEl.appendChild(table);
    return rows.length + (rows.length === 1 ? " row" : " rows");
  }

  function showError(text) {
    errorEl.textContent = text;
    errorEl.hidden = false;
  }

  function run() {
    var started = performance.now();
    errorEl.hidden = true;
    statusEl.textContent = "running…";
    statusEl.className = "status busy";
    history.replaceState(null, "", "/?query=" + encodeURIComponent(textarea.value));
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9, text/plain;q=0.1" },
      body: new URLSearchParams({ query: textarea.value })
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      return response.text().then(function (body) {
        var ms = Math.round(performance.now() - started);
        statusEl.className = "status";
        if (!response.ok) {
          resultsEl.textContent = "";
          statusEl.textContent = "error " + response.status;
          statusEl.className = "status failed";
          showError(body);
          return;
        }
        var summary;
        if (type.indexOf("application/sparql-results+json") === 0) {
          summary = renderResults(JSON.parse(body));
        } else {
          resultsEl.textContent = "";
          var pre = document.createElement("pre");
          pre.className = "graph";
          pre.textContent = body;
          resultsEl.appendChild(pre);
          summary = type.split(";")[0];
        }
        statusEl.textContent = summary + " in " + ms + " ms";
      });
    }).catch(function (err) {
      statusEl.textContent = "failed";
      statusEl.className = "status failed";
      showError("The server could not be reached: " + err);
    });
  }

  function loadExample(i) {
    var example = config.examples[i];
    textarea.value = example.text;
    refresh();
    document.querySelectorAll(".example").forEach(function (b) { b.classList.remove("current"); });
    document.querySelector('.example[data-index="' + i + '"]').classList.add("current");
    statusEl.textContent = "loaded: " + example.title;
    textarea.focus();
  }

  function addPrefixes() {
    var missing = config.prologue.split("\n").filter(function (line) {
      var m = /^PREFIX (\S+:)/.exec(line);
      return m && !new RegExp("PREFIX\\s+" + m[1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i").test(textarea.value);
    });
    textarea.value = missing.join("\n") + (missing.length ? "\n" : "") + textarea.value;
    refresh();
  }

  textarea.addEventListener("input", refresh);
  textarea.addEventListener("scroll", syncScroll);
  textarea.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
    if (e.key === "Tab" && !e.shiftKey) {
      e.preventDefault();
      var s = textarea.selectionStart;
      textarea.setRangeText("  ", s, textarea.selectionEnd, "end");
      refresh();
    }
  });
  document.getElementById("run").addEventListener("click", run);
  document.getElementById("add-prefixes").addEventListener("click", addPrefixes);
  document.querySelectorAll(".example").forEach(function (b) {
    b.addEventListener("click", function () { loadExample(Number(b.dataset.index)); });
  });
  refresh();
  if (config.autorun) { run(); }
}());
