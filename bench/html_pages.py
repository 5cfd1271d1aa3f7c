"""Body F1 on real news pages: claimsift's HTML reader and page-text flags next to trafilatura alone.

Reads the Article Extraction Benchmark (181 pages with a person-marked article body) from
../shared/html_benchmark at run time; skipped with a message when absent. Nothing from it is
written anywhere. Two inputs per page:

* HTML: claimsift.webpage.extract_page (trafilatura favouring recall, plus per-line hints), then
  segment_document with those hints;
* all visible text of the page (html_text.extract_text on the whole page, untrimmed), segmented as
  plain text, as a user's copy of the page would be.

Rows: everything the input holds, the body segments, and the body segments plus in-article
subheadings (the benchmark counts subheadings as article text; the targets use this row).
Pages are split by a hash of their id into a tuning half (the page models were trained and
tuned on it, bench/train_page_lines.py) and a reporting half; both are printed, and all pages.
The difference to trafilatura alone comes with a paired page-level bootstrap interval.

    .venv/bin/python bench/html_pages.py
"""

from __future__ import annotations

import sys
import time
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import aeb  # noqa: E402


def trafilatura_alone(html: str) -> str:
    """trafilatura 2 with its default options (no tables, comments or metadata), as claimsift read HTML before."""
    import trafilatura

    return trafilatura.extract(html, output_format="txt", include_comments=False, include_tables=False,
                               include_images=False, include_links=False, deduplicate=False, with_metadata=False) or ""


def _kept(segments, with_subheadings: bool) -> str:
    return "\n".join(s.text for s in segments if s.body or (with_subheadings and s.reason == "subheading"))


def run_page(page: dict) -> dict:
    import html_text

    from claimsift.segment import segment_document
    from claimsift.webpage import extract_page

    out = {"traf": trafilatura_alone(page["html"])}
    pt = extract_page(page["html"])
    segs = segment_document(pt.text, page["id"], hints=pt.hints) if pt else []
    out["html_all"] = pt.text if pt else ""
    out["html_body"] = _kept(segs, False)
    out["html_body_sub"] = _kept(segs, True)
    vis = html_text.extract_text(page["html"])
    segs = segment_document(vis, page["id"])
    out["text_all"] = vis
    out["text_body"] = _kept(segs, False)
    out["text_body_sub"] = _kept(segs, True)
    return {k: aeb.tp_fp_fn(page["truth"], v) for k, v in out.items()}


ROWS = [("HTML", "trafilatura 2 alone (default options)", "traf"),
        ("HTML", "everything claimsift extracts (trafilatura, favouring recall)", "html_all"),
        ("HTML", "body segments", "html_body"),
        ("HTML", "body segments + in-article subheadings", "html_body_sub"),
        ("visible text", "everything (html-text)", "text_all"),
        ("visible text", "body segments", "text_body"),
        ("visible text", "body segments + in-article subheadings", "text_body_sub")]


def main() -> int:
    if not aeb.available():
        print(f"skipped: {aeb.BENCH_DIR} not found (Article Extraction Benchmark pages)")
        return 0
    import trafilatura

    t0 = time.time()
    pages = aeb.load_pages()
    with Pool(1) as pool:  # one extra process: the machine is shared
        half = len(pages) // 2
        part = pool.map_async(run_page, pages[:half])
        rest = [run_page(p) for p in pages[half:]]
        results = part.get() + rest
    tuning = [aeb.is_tuning(p["id"]) for p in pages]
    halves = [("reporting half", [r for r, t in zip(results, tuning) if not t]),
              ("tuning half", [r for r, t in zip(results, tuning) if t]),
              ("all pages", results)]
    print(f"Article Extraction Benchmark, {len(pages)} pages ({sum(tuning)} tuning, {len(pages) - sum(tuning)} reporting); "
          f"trafilatura {trafilatura.__version__}; {time.time() - t0:.0f} s")
    for name, res in halves:
        print(f"\n{name} ({len(res)} pages)\n")
        print("| input | what is kept | body F1 | precision | recall | F1 minus trafilatura alone [95% CI] |")
        print("|---|---|---|---|---|---|")
        base = [r["traf"] for r in res]
        for inp, what, key in ROWS:
            rows = [r[key] for r in res]
            f1, p, rc = aeb.scores(rows)
            diff = ""
            if key != "traf":
                d, lo, hi = aeb.paired_bootstrap(rows, base)
                diff = f"{d:+.3f} [{lo:+.3f}, {hi:+.3f}]"
            print(f"| {inp} | {what} | {f1:.3f} | {p:.3f} | {rc:.3f} | {diff} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
