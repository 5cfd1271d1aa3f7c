"""The evaluator's report: one self-contained HTML file (inline CSS, charts as SVG data URIs, the
reader page's article renderer inlined for the seed article, nothing loaded from the network),
built from the pipeline's outputs.

``python -m claimsift.report readme-tables [REPORTS_DIR]`` prints the README's metric tables
(see :mod:`claimsift.readme_tables`).
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass, field
from typing import Sequence

from claimsift import charts
from claimsift.labels import DEFINITIONS, LABELS
from claimsift.palette import COLORS, NON_BODY, TINTS, css
from claimsift.reportdata import (SET_ORDER, SET_TITLES, confident_errors, group_metrics, label_counts,
                                  models_in, set_of)


@dataclass
class ReportInputs:
    """Everything the report shows (already loaded)."""

    metrics: dict
    predictions: list[dict]
    seed_text: str = ""                       # the seed article's raw text
    seed_segments: list[dict] = field(default_factory=list)  # its segments, body or not, with offsets
    agreement: dict | None = None
    external: dict | None = None
    external_newssd: dict | None = None
    model_meta: dict[str, dict] = field(default_factory=dict)
    run: dict = field(default_factory=dict)    # {"sha256": {...}, "versions": {...}}
    links: dict[str, str] = field(default_factory=dict)  # title -> relative link
    reader_model: str = "transformer"
    errors_per_set: int = 10


class Markup(str):
    """A string that is already HTML."""


def esc(value) -> str:
    """HTML-escape any value."""
    return html.escape(str(value), quote=True)


def fmt(x, digits: int = 3) -> str:
    """A number to ``digits`` decimals, or an em dash for a missing one."""
    return "—" if x is None else f"{x:.{digits}f}"


def table(headers: Sequence[str], rows: Sequence[Sequence], cls: str = "") -> str:
    """An HTML table; cells are escaped unless they are ``Markup``."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c if isinstance(c, Markup) else esc(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def label_chip(name: str) -> Markup:
    """A label name on its colour tint, with a swatch in its mark colour."""
    return Markup(f'<span class="chip" style="background:{TINTS[name]};border-color:{COLORS[name]}">{esc(name)}</span>')


def legend() -> str:
    """The label legend with definitions, plus the non-body and mismatch markers."""
    items = "".join(f"<li>{label_chip(n)} {esc(DEFINITIONS[n])}</li>" for n in LABELS)
    return (f'<ul class="legend">{items}<li><span class="nb">greyed text</span> not article body (headline, '
            f'byline, caption, link list…); not classified</li><li><span class="miss">underlined</span> the '
            f'prediction differs from the gold label (gold shown after it)</li></ul>')


def headline_section(inp: ReportInputs) -> str:
    rows, ci_rows = [], []
    for model, sets in inp.metrics.items():
        for name in SET_ORDER:
            if name not in sets:
                continue
            m = sets[name]
            low, high = m["macro_f1_ci95"]
            rows.append([model, SET_TITLES[name], Markup(f"<b>{fmt(m['macro_f1'])}</b>"), f"{fmt(low)}–{fmt(high)}",
                         fmt(m["accuracy"]), m["n"], m.get("documents", "—"), f"{m.get('ci_resampled', '')} resampled"])
            ci_rows.append({"set": SET_TITLES[name], "model": model, "macro_f1": m["macro_f1"], "low": low, "high": high})
    external = inp.external or {}
    corpora = sorted({c for model in inp.metrics for c in (external.get(model) or {})})
    for corpus in corpora:
        for model in inp.metrics:
            m = (external.get(model) or {}).get(corpus)
            if m:
                macro = m.get("macro_f1_present_labels")
                rows.append([model, f"external: {corpus}", fmt(macro) if macro is not None else "—", "—",
                             fmt(m.get("accuracy")) if "accuracy" in m else "—", m["n"], "—",
                             f"proxy; argument-vs-rest F1 {fmt(m['argument_vs_rest']['f1'])}; {m['mapping']}"])
    for model in inp.metrics:
        ssd = (inp.external_newssd or {}).get(model)
        if isinstance(ssd, dict):
            rows.append([model, "external: NewsSD-ENG", "—", "—", "—", ssd["n"], "—",
                         f"argument recall on SUBJ {fmt(ssd['argument_recall_on_subj'])}; argument share on OBJ "
                         f"{fmt(ssd['argument_share_on_obj'])}"])
    head = ["model", "set", "macro-F1", "95% interval", "accuracy", "sentences", "documents", "interval / note"]
    chart = charts.img_tag(charts.interval_chart(ci_rows, "Macro-F1 with bootstrap 95% interval, every model and test set"))
    return (f'<section id="headline"><h2>Headline</h2><p>Intervals: 95% bootstrap over documents (over sentences '
            f'for the single seed article). External benchmarks are proxies with mapped labels, not the headline.</p>'
            f'{table(head, rows, "headline")}{chart}</section>')


def per_label_section(inp: ReportInputs) -> str:
    parts = []
    for model, sets in inp.metrics.items():
        rows = []
        for name in SET_ORDER:
            if name in sets:
                for lab in LABELS:
                    c = sets[name]["per_class"][lab]
                    rows.append([SET_TITLES[name], label_chip(lab), fmt(c["precision"]), fmt(c["recall"]), fmt(c["f1"]),
                                 c["support"]])
        chart = charts.per_label_chart(sets["real_test"]["per_class"], f"{model}: per-label precision, recall, F1, "
                                       f"real test split") if "real_test" in sets else None
        parts.append(f"<h3>{esc(model)}</h3><div class='row'>{table(['set', 'label', 'precision', 'recall', 'F1', 'support'], rows)}"
                     f"{charts.img_tag(chart) if chart else ''}</div>")
    return f'<section id="per-label"><h2>Per label</h2>{"".join(parts)}</section>'


def groups_section(inp: ReportInputs) -> str:
    parts = []
    for key in ("genre", "source"):
        rows = group_metrics(inp.predictions, key)
        trows = [[r[key], r["model"], r["sets"], r["n"], r["documents"], fmt(r["accuracy"]), fmt(r["macro_f1"])] for r in rows]
        chart = charts.group_chart(rows, key, f"Macro-F1 per {key}, every model, whole test split")
        parts.append(f"<h3>Per {key}</h3><div class='row'>{table([key, 'model', 'set', 'sentences', 'documents', 'accuracy', 'macro-F1'], trows)}"
                     f"{charts.img_tag(chart)}</div>")
    counts = charts.label_counts_chart(label_counts(inp.predictions), "Gold label shares per test set")
    return (f'<section id="groups"><h2>Per genre and per source</h2><p>Small groups give rough figures: read each '
            f'with its n.</p>{"".join(parts)}{charts.img_tag(counts)}</section>')


def confusion_section(inp: ReportInputs) -> str:
    parts = []
    for model, sets in inp.metrics.items():
        imgs = []
        for name in ("real_test", "seed"):
            if name in sets:
                mat, n = sets[name]["confusion"], sets[name]["n"]
                imgs.append(charts.img_tag(charts.confusion_chart(mat, f"{model}: confusion counts, {SET_TITLES[name]} (n={n})")))
                imgs.append(charts.img_tag(charts.confusion_chart(
                    mat, f"{model}: row-normalised, {SET_TITLES[name]} (n={n})", normalise=True)))
        parts.append(f"<h3>{esc(model)}</h3><div class='row'>{''.join(imgs)}</div>")
    return (f'<section id="confusion"><h2>Confusion matrices</h2><p>Rows: gold label; columns: prediction. '
            f'Row-normalised cells show the share of each gold label (recall on the diagonal).</p>{"".join(parts)}</section>')


def calibration_section(inp: ReportInputs) -> str:
    rows, imgs = [], []
    for model, sets in inp.metrics.items():
        temp = (inp.model_meta.get(model, {}).get("calibration") or {}).get("temperature")
        for name in SET_ORDER:
            if name in sets:
                rows.append([model, SET_TITLES[name], fmt(sets[name]["ece"]), fmt(sets[name]["ece_uncalibrated"]),
                             fmt(temp, 2) if temp is not None else "—", sets[name]["n"]])
        bins = sets.get("real_test", {}).get("reliability")
        if bins:
            imgs.append(charts.img_tag(charts.reliability_chart(
                bins, f"{model}: reliability, real test split (n={sets['real_test']['n']})")))
    return (f'<section id="calibration"><h2>Calibration</h2><p>Expected calibration error (15 bins) of the top '
            f'probability, after and before temperature scaling fitted on the real dev split.</p>'
            f'{table(["model", "set", "ECE", "ECE uncalibrated", "temperature", "sentences"], rows)}'
            f'<div class="row">{"".join(imgs)}</div></section>')


def errors_section(inp: ReportInputs) -> str:
    parts = []
    for model in models_in(inp.predictions):
        for name in ("real_test", "seed"):
            errs = confident_errors(inp.predictions, model, name, inp.errors_per_set)
            rows = [[e["doc"], e["index"], e["text"], label_chip(e["gold"]), label_chip(e["pred"]), fmt(e["prob"], 2)] for e in errs]
            parts.append(f"<h3>{esc(model)}, {esc(SET_TITLES[name])}: {len(errs)} most confident mistakes</h3>"
                         + table(["document", "#", "sentence", "gold", "predicted", "probability"], rows, "errors"))
    return f'<section id="errors"><h2>Errors</h2><p>Calibrated probabilities of the predicted label.</p>{"".join(parts)}</section>'


def seed_section(inp: ReportInputs) -> str:
    """The seed article as a reader sees it, drawn by the reader page's own renderer
    (``claimsift.static.article_fragment``, so page and report never disagree), each body sentence
    highlighted by prediction, then the sentences where gold differs."""
    from claimsift.static import article_fragment

    if not inp.seed_text:
        return ""
    model = inp.reader_model
    preds = {r["index"]: r for r in inp.predictions if set_of(r) == "seed" and f"{model}_pred" in r}
    records = []
    for seg in sorted(inp.seed_segments, key=lambda s: s["start"]):
        rec = preds.get(seg["index"]) if seg["body"] else None
        scores = dict(zip(LABELS, rec[f"{model}_scores"])) if rec else None
        records.append({**seg, "label": rec[f"{model}_pred"] if rec else None, "scores": scores})
    misses = [r for r in sorted(preds.values(), key=lambda r: r["index"]) if r[f"{model}_pred"] != r["label"]]
    seg_text = {seg["index"]: seg["text"] for seg in inp.seed_segments}
    rows = [[r["index"], label_chip(r[f"{model}_pred"]), f"{max(r[f'{model}_scores']):.2f}", label_chip(r["label"]),
             seg_text.get(r["index"], r["text"])] for r in misses]
    return (f'<section id="seed"><h2>The seed article, as labelled by {esc(model)}</h2><p>{len(preds)} body '
            f'sentences, {len(misses)} predicted differently from gold (listed below the article). Hover or '
            f'focus a sentence for its probabilities; the reader page draws articles with the same code.</p>'
            f'{article_fragment(inp.seed_text, records, element_id="seed-article")}'
            f'<h3>Where gold differs</h3>{table(["#", "predicted", "probability", "gold", "sentence"], rows)}'
            f'</section>')


def agreement_section(inp: ReportInputs) -> str:
    a = inp.agreement or {}
    if "first_vs_second" not in a:
        return ""
    rows = [["all", len(a.get("documents", [])), a["first_vs_second"]["n"], fmt(a["first_vs_second"]["kappa"])]]
    for origin, sub in sorted((a.get("by_origin") or {}).items()):
        rows.append([origin, len(sub.get("documents", [])), sub["first_vs_second"]["n"], fmt(sub["first_vs_second"]["kappa"])])
    return (f'<section id="agreement"><h2>Annotator agreement</h2>'
            f'{table(["documents", "count", "sentences", "Cohen kappa"], rows)}</section>')


def run_section(inp: ReportInputs) -> str:
    sha = [[k, Markup(f"<code>{esc(v)}</code>")] for k, v in sorted(inp.run.get("sha256", {}).items())]
    versions = ", ".join(f"{k} {v}" for k, v in sorted(inp.run.get("versions", {}).items()))
    links = " · ".join(f'<a href="{esc(href)}">{esc(title)}</a>' for title, href in inp.links.items())
    return (f'<section id="run"><h2>Run metadata</h2><p>What this report was built from (SHA-256). A committed '
            f'file cannot name its own commit, so none is given: compare these hashes instead.</p>'
            f'{table(["input", "SHA-256"], sha)}<p>Packages: {esc(versions)}</p><p>{links}</p></section>')


STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1180px; padding: 1em 2em; color: #222; }
h1 { margin-bottom: .2em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: .6em 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } table.errors td:nth-child(3) { max-width: 560px; }
table.headline td:nth-child(-n+7) { white-space: nowrap; }
.row { display: flex; flex-wrap: wrap; gap: 1.2em; align-items: flex-start; }
img.chart { max-width: 100%; }
.chip { display: inline-block; padding: 0 .45em; border-left: 4px solid; border-radius: 3px; font-weight: 600; }
.legend { list-style: none; padding: 0; } .legend li { margin: .25em 0; }
.reader { white-space: pre-wrap; font: 16px/1.7 Georgia, serif; max-width: 46em; border: 1px solid #ddd; padding: 1em 1.5em; }
.reader .s { border-bottom: 3px solid; }
.miss { text-decoration: underline wavy #C00; text-decoration-thickness: 1px; }
sup.gold { color: #C00; font: 11px system-ui, sans-serif; margin-left: 2px; }
.nb { color: var(--non-body); }
code { font-size: 12px; }
"""


def render(inp: ReportInputs) -> str:
    """The whole report as one HTML document (deterministic for the same inputs)."""
    models = ", ".join(inp.metrics)
    body = "".join([headline_section(inp), per_label_section(inp), groups_section(inp), confusion_section(inp),
                    calibration_section(inp), errors_section(inp), seed_section(inp), agreement_section(inp), run_section(inp)])
    nav = " · ".join(f'<a href="#{i}">{t}</a>' for i, t in [("headline", "headline"), ("per-label", "per label"),
                     ("groups", "genre/source"), ("confusion", "confusion"), ("calibration", "calibration"),
                     ("errors", "errors"), ("seed", "seed article"), ("run", "run")])
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>claimsift evaluation report</title><style>{css()}{STYLE}</style></head><body>"
            f"<h1>claimsift evaluation report</h1><p>Models: {esc(models)}. Labels: "
            f"{' '.join(label_chip(n) for n in LABELS)}; non-body text in <span style=\"color:{NON_BODY}\">grey</span>.</p>"
            f"<nav>{nav}</nav>{body}</body></html>\n")


def main(argv: list[str] | None = None) -> int:
    """``readme-tables [REPORTS_DIR] [--write README]``: print the README's metric tables as
    Markdown, or write them into the README's metrics block."""
    from pathlib import Path

    from claimsift.readme_tables import readme_tables, replace_block

    args = sys.argv[1:] if argv is None else list(argv)
    target = None
    if "--write" in args:
        i = args.index("--write")
        target = Path(args[i + 1]) if i + 1 < len(args) else None
        args = args[:i] + args[i + 2:]
        if target is None:
            args = []
    if not args or args[0] != "readme-tables" or len(args) > 2:
        print("usage: python -m claimsift.report readme-tables [REPORTS_DIR] [--write README.md]", file=sys.stderr)
        return 2
    tables = readme_tables(args[1] if len(args) > 1 else "reports")
    if target is None:
        sys.stdout.write(tables)
    else:
        target.write_text(replace_block(target.read_text(encoding="utf-8"), tables), encoding="utf-8")
        print(f"wrote the metrics block of {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
