"""The benchmark report as JSON, Markdown (tables, ratios side by side) and a PNG plot of cost against scale."""

from __future__ import annotations

import json
from pathlib import Path


def _fmt(x: object, digits: int = 2) -> str:
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return "-" if x is None else str(x)


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [f"# gbagraph benchmark ({'quick' if report.get('quick') else 'full'} run, {report['started']})", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, {m['os']}.",
             "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
             f"Queries: {len(report['queries'])} from `{report['queries_from']}`; "
             f"settings: {json.dumps(report['settings'])}.", ""]
    lines += ["## Summary", "",
              "Ratios ours / Oxigraph with our response cache **on** (the default) | **off** "
              "(`GBAGRAPH_RESPONSE_CACHE_MB=0`: every request evaluated), measured side by side in one run.", "",
              "| scale | triples (asserted) | quads served | median latency ours / oxigraph (ms), cache on \\| off | "
              "median ratio | geo-mean ratio | worst query ratio | rps 1 client ratio | rps 8 clients ratio | "
              "cold start (s) | warm start (s) | peak RSS start (MB) | reasoner |",
              "| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    many = f"throughput_ratio_{report['settings']['clients']}_clients"
    for s in report["scales"]:
        su, st = s.get("summary", {}), s.get("start", {})
        on, off = su.get("median_latency_ms", {}), su.get("median_latency_ms_nocache", {})

        def both(key: str, su: dict = su) -> str:
            return f"{_fmt(su.get(key))} \\| {_fmt(su.get(key + '_nocache'))}"

        worst = f"{_fmt(su.get('worst_query_ratio'))} ({su.get('worst_query', '-')}) \\| " \
                f"{_fmt(su.get('worst_query_ratio_nocache'))} ({su.get('worst_query_nocache', '-')})"
        lines.append(
            f"| {s['scale']} | {s['manifest']['asserted_triples_estimate']} | {st.get('cold', {}).get('quads', '-')} | "
            f"{_fmt(on.get('gbagraph'))} \\| {_fmt(off.get('gbagraph'))} / {_fmt(on.get('oxigraph'))} | "
            f"{both('median_latency_ratio')} | {both('geomean_latency_ratio')} | {worst} | "
            f"{both('throughput_ratio_1_clients')} | {both(many)} | "
            f"{_fmt(su.get('cold_start_s'), 1)} | {_fmt(su.get('warm_start_s'), 1)} | {_fmt(su.get('peak_rss_mb'), 0)} | "
            f"{st.get('cold', {}).get('reasoner', '-')} |")
    for s in report["scales"]:
        lines += _scale_md(s, report)
    return "\n".join(lines) + "\n"


def _scale_md(s: dict, report: dict) -> list[str]:
    out = ["", f"## {s['scale']}", ""]
    for label, st in s.get("start", {}).items():
        sec = st["seconds"]
        parse = sec.get("parse", sec.get("load"))  # prepare()'s step is "parse" (older results said "load")
        steps = ", ".join(f"{step} {sec[step]} s" for step in ("open", "seal") if step in sec)  # a warm start opens
        out.append(f"- {label} start: parse {parse or '-'} s, SHACL {sec.get('validate', '-')} s"
                   f"{'' if st['validated'] else ' (no shapes yet: skipped)'}, OWL RL {sec.get('infer', '-')} s "
                   f"({st['reasoner']}, {st['inferred']} inferred), {steps + ', ' if steps else ''}engine "
                   f"{sec.get('engine', '-')} s, **total {sec['total']} s**, peak RSS {st['peak_rss_mb']} MB")
    for name, srv in s.get("servers", {}).items():
        extra = f", `oxigraph load` {srv['load_seconds']} s" if "load_seconds" in srv else ""
        out.append(f"- server {name}: ready in {srv['ready_seconds']} s{extra}; peak RSS {srv.get('peak_rss_mb')} MB "
                   f"(largest process), RSS of all {srv.get('processes')} processes at the end {srv.get('rss_sum_mb')} MB")
    tp = s.get("throughput", {})
    if tp:
        ours = [name for name in tp if name != "oxigraph"]
        out += ["", "| clients | " + " | ".join(f"{n} req/s (ratio)" for n in ours) + " | oxigraph req/s |",
                "| ---: | " + " | ".join("---:" for _ in ours) + " | ---: |"]
        for c in tp["oxigraph"]:
            b = tp["oxigraph"][c]["rps"]
            cells = [f"{tp[n][c]['rps']} ({tp[n][c]['rps'] / b if b else float('nan'):.2f})" for n in ours]
            out.append(f"| {c} | " + " | ".join(cells) + f" | {b} |")
    lat, eng = s.get("latency", {}), s.get("engines", {})
    if lat:
        out += ["", "| query | ours median ms (cache on \\| off) | oxigraph median ms | ratio (on \\| off) | "
                "ours p99 (on \\| off) | oxigraph p99 | in-process pyoxigraph ms | in-process rdflib ms | answer bytes |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for q, v in lat.items():
            x = v["oxigraph"]
            mine = [v[n] for n in ("gbagraph", "gbagraph-nocache") if n in v]
            if "median_ms" not in x or any("median_ms" not in o for o in mine):
                out.append(f"| {q} | error: {next((o['error'] for o in [*mine, x] if 'error' in o), '')} | | | | | | | |")
                continue
            e = eng.get(q, {})
            rd = e.get("rdflib", {})
            rd_text = rd.get("median_ms", "error" if "error" in rd else "-")
            med = " \\| ".join(str(o["median_ms"]) for o in mine)
            ratio = " \\| ".join(f"{o['median_ms'] / x['median_ms']:.2f}" for o in mine)
            p99 = " \\| ".join(str(o["p99_ms"]) for o in mine)
            out.append(f"| {q} | {med} | {x['median_ms']} | {ratio} | {p99} | {x['p99_ms']} | "
                       f"{e.get('oxigraph', {}).get('median_ms', '-')} | {rd_text} | {mine[0]['bytes']} |")
    return out


def plot(report: dict, path: Path) -> None:
    scales = [s for s in report["scales"] if s.get("summary")]
    xs = [s["manifest"]["asserted_triples_estimate"] for s in scales]
    series = {
        "ours: median query latency (ms)": [s["summary"].get("median_latency_ms", {}).get("gbagraph") for s in scales],
        "oxigraph server: median query latency (ms)": [s["summary"].get("median_latency_ms", {}).get("oxigraph")
                                                       for s in scales],
        "cold start (s)": [s["summary"].get("cold_start_s") for s in scales],
        "warm start (s)": [s["summary"].get("warm_start_s") for s in scales],
        "peak RSS at start (GB)": [(s["summary"].get("peak_rss_mb") or 0) / 1024 for s in scales],
    }
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        _tiny_png(path, xs, series)
        return
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=100)
    for label, ys in series.items():
        pts = [(x, y) for x, y in zip(xs, ys, strict=True) if y]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("asserted triples")
    ax.set_title("gbagraph: cost against scale")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _tiny_png(path: Path, xs: list, series: dict) -> None:
    """A dependency-free PNG (one coloured polyline per series, log-log) when matplotlib is missing."""
    import math
    import struct
    import zlib

    w, h = 480, 300
    px = bytearray(b"\xff" * (w * h * 3))
    colours = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189)]
    all_y = [y for ys in series.values() for y in ys if y]
    if not xs or not all_y:
        return
    lx0, lx1 = math.log10(min(xs)), math.log10(max(xs)) + 1e-9
    ly0, ly1 = math.log10(min(all_y)), math.log10(max(all_y)) + 1e-9

    def put(x: int, y: int, c: tuple[int, int, int]) -> None:
        if 0 <= x < w and 0 <= y < h:
            i = (y * w + x) * 3
            px[i:i + 3] = bytes(c)

    for k, ys in enumerate(series.values()):
        pts = [(int(20 + (math.log10(x) - lx0) / (lx1 - lx0) * (w - 40)),
                int(h - 20 - (math.log10(y) - ly0) / (ly1 - ly0) * (h - 40))) for x, y in zip(xs, ys, strict=True) if y]
        for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
            for t in range(101):
                put(x0 + (x1 - x0) * t // 100, y0 + (y1 - y0) * t // 100, colours[k % len(colours)])
    raw = b"".join(b"\x00" + bytes(px[r * w * 3:(r + 1) * w * 3]) for r in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def write_reports(report: dict, folder: Path, stem: str) -> list[Path]:
    paths = [folder / f"{stem}.json", folder / f"{stem}.md", folder / f"{stem}.png"]
    paths[0].write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    paths[1].write_text(markdown(report), encoding="utf-8")
    plot(report, paths[2])
    return paths
