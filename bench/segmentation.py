"""Segmentation benchmark: claimsift's segmenter against the other installed sentence splitters.

Usage (from the repository root)::

    PYTHONPATH=src python bench/segmentation.py [--golden PATH] [--cases PATH] [--mb 1.0]
    PYTHONPATH=src python bench/segmentation.py --adversarial [--bytes 10000000] [--previous REV]

Test sets
* pySBD's 48 English "Golden Rules", read at run time from
  ``../shared/segmentation/golden_rules_en.json`` (skipped with a message when absent; its cases
  are never copied into this repository);
* ``data/segmentation/news_cases.jsonl``: the project's news cases (expected segments and body
  flags).

Scores are exact matches per case: a case counts only when every segment is right. The other
splitters have no notion of body text, so they are scored on segment texts only, and they get
the text line by line (a line break is always a boundary for them); claimsift gets the whole
text. Speed is characters per second over a corpus of the news cases, the golden texts and the
flagship article repeated to about ``--mb`` megabytes (each splitter stops after a few seconds;
its rate is over what it processed), plus claimsift on that corpus as one single document.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from claimsift.segment import segment_document  # noqa: E402

ADVERSARIAL_DOC = """
Adversarial inputs (``--adversarial``): each is written to a file of exactly ``--bytes`` bytes
(default 10,000,000, the reader's limit) and run as ``claimsift segment FILE > /dev/null`` in a
fresh process; the table gives wall and CPU seconds, MB per CPU second and the peak RSS of that
process (``os.wait4``). ``--previous REV`` runs the same command with the code of git revision
REV at ``--previous-bytes`` (default 300,000: the old quadratic paths do not finish 10 MB) and
prints it side by side. ``bench/classify_memory.py`` runs ``claimsift classify`` on the same inputs.
"""

DEFAULT_GOLDEN = ROOT.parent / "shared" / "segmentation" / "golden_rules_en.json"
DEFAULT_CASES = ROOT / "data" / "segmentation" / "news_cases.jsonl"
FLAGSHIP = ROOT / "data" / "raw" / "000_d102734279138d1d.txt"
TIME_BUDGET_S = 4.0


def _claimsift(text: str) -> list[str]:
    return [s.text for s in segment_document(text, "bench")]


def _per_line(split):
    def run(text: str) -> list[str]:
        out: list[str] = []
        for line in text.splitlines():
            if line.strip():
                out.extend(s.strip() for s in split(line) if s.strip())
        return out
    return run


def available_splitters() -> dict[str, tuple[object, object]]:
    """name -> (function for golden texts, function for news texts)."""
    found: dict[str, tuple[object, object]] = {"claimsift": (_claimsift, _claimsift)}
    try:
        from sentencex import segment as sx_segment

        def sx(text: str) -> list[str]:
            return [s.strip() for s in sx_segment("en", text) if s.strip()]
        found["sentencex"] = (sx, _per_line(sx))
    except ImportError:
        print("note: sentencex not installed, skipped")
    try:
        import pysbd

        seg = pysbd.Segmenter(language="en", clean=False)

        def sbd(text: str) -> list[str]:
            return [s.strip() for s in seg.segment(text) if s.strip()]
        found["pysbd"] = (sbd, _per_line(sbd))
    except ImportError:
        print("note: pysbd not installed, skipped")
    try:
        import nltk

        def punkt(text: str) -> list[str]:
            return [s.strip() for s in nltk.sent_tokenize(text) if s.strip()]
        punkt("Test. Test.")
        found["nltk-punkt"] = (punkt, _per_line(punkt))
    except Exception:  # not installed, or punkt data missing
        pass
    try:
        import blingfire

        def bf(text: str) -> list[str]:
            return [s.strip() for s in blingfire.text_to_sentences(text).split("\n") if s.strip()]
        found["blingfire"] = (bf, _per_line(bf))
    except ImportError:
        pass
    try:
        from syntok import segmenter as syn

        def sy(text: str) -> list[str]:
            out = []
            for para in syn.analyze(text):
                for sent in para:
                    out.append("".join(t.spacing + t.value for t in sent).strip())
            return out
        found["syntok"] = (sy, _per_line(sy))
    except ImportError:
        pass
    return found


def score_golden(fn, cases) -> int:
    ok = 0
    for c in cases:
        try:
            got = fn(c["text"])
        except Exception:
            got = None
        ok += got == [s.strip() for s in c["sentences"]]
    return ok


def score_news(fn, cases, with_body: bool) -> int:
    ok = 0
    for c in cases:
        exp_text = [s["text"] for s in c["segments"]]
        if with_body:
            got = [(s.text, s.body) for s in segment_document(c["text"], "bench")]
            ok += got == [(s["text"], s["body"]) for s in c["segments"]]
        else:
            try:
                got = fn(c["text"])
            except Exception:
                got = None
            ok += got == exp_text
    return ok


def speed(fn, docs: list[str]) -> tuple[float, int]:
    n = 0
    t0 = time.perf_counter()
    for d in docs:
        fn(d)
        n += len(d)
        if time.perf_counter() - t0 > TIME_BUDGET_S:
            break
    return n / (time.perf_counter() - t0), n


SENTENCE = "Police arrested 31 protesters outside the ministry on Tuesday, officials said. "
ADVERSARIAL = {  # name -> repeated unit
    "quotes": '"x ',                      # the case: one quotation per 3 bytes
    "curly_quotes": "“x ” ",
    "quotes_with_cue": 'he said "x" ',    # an attribution cue before every quotation
    "no_punctuation": "word ",            # one line, no sentence end
    "one_line_prose": SENTENCE,           # one 10 MB line of sentences
    "lowercase_line": "the police arrested protesters outside the ministry and said nothing ",
    "short_lines": "ab cd\n",             # lines joined (lower case after no punctuation)
    "short_heading_lines": "Ab cd\n",     # a million units of their own
    "short_sentence_lines": "A b.\n",
    "dots": "... ",
    "initials": "A. ",                    # a candidate boundary every 3 bytes
    "bullets": "• x ",
    "parens": "(a. ",
    "open_quote": "A b. ",                # after one opening mark never closed: a 10 MB line in quotation
    "corpus_prose": None,                 # not adversarial: data/raw's documents, one after another
}
PREFIX = {"open_quote": "“"}


def _corpus_unit() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8").strip() for p in sorted((ROOT / "data" / "raw").glob("*.txt")))


def adversarial_bytes(name: str, size: int) -> bytes:
    """``size`` bytes of the named input (its prefix, then the unit repeated, cut at a character boundary)."""
    unit = (ADVERSARIAL[name] or _corpus_unit()).encode("utf-8")
    prefix = PREFIX.get(name, "").encode("utf-8")
    data = (prefix + unit * (size // len(unit) + 1))[:size]
    return data.decode("utf-8", errors="ignore").encode("utf-8")


def run_measured(cmd: list[str], env: dict, timeout: float, max_rss_mb: float = float("inf")) -> dict:
    """Wall s, CPU s and peak RSS (MB) of one command, stdout to /dev/null; killed after
    ``timeout`` s or once its RSS passes ``max_rss_mb`` (``timed_out``, ``over_memory``)."""
    import os
    import signal
    import subprocess
    import tempfile

    t0 = time.perf_counter()
    err_file = tempfile.TemporaryFile()  # a pipe nobody reads could fill and stall the child
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err_file, env=env, cwd=ROOT,
                            start_new_session=True)
    timed_out = over_memory = False
    page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        try:
            rss_now = int(Path(f"/proc/{proc.pid}/statm").read_text().split()[1]) * page_mb
        except (OSError, IndexError, ValueError):
            rss_now = 0.0
        over_memory = rss_now > max_rss_mb
        if over_memory or time.perf_counter() - t0 > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, ru = os.wait4(proc.pid, 0)
            timed_out = not over_memory
            break
        time.sleep(0.05)
    err_file.seek(0)
    err = err_file.read().decode(errors="replace").strip().splitlines()
    return {"wall": time.perf_counter() - t0, "cpu": ru.ru_utime + ru.ru_stime, "rss": ru.ru_maxrss / 1024,
            "ok": not (timed_out or over_memory) and os.waitstatus_to_exitcode(status) == 0,
            "timed_out": timed_out, "over_memory": over_memory, "err": err[-1][:80] if err else ""}


def previous_src(rev: str) -> Path:
    """``src/`` of git revision ``rev``, extracted to a temporary directory."""
    import subprocess
    import tempfile

    out = Path(tempfile.mkdtemp(prefix="claimsift-prev-"))
    archive = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
    return out / "src"


def adversarial(args) -> int:
    import os
    import tempfile

    names = args.only or list(ADVERSARIAL)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    prev_env = {**os.environ, "PYTHONPATH": str(previous_src(args.previous))} if args.previous else None
    tmp = Path(tempfile.mkdtemp(prefix="claimsift-adv-"))
    print(f"claimsift segment FILE > /dev/null, fresh process per input; this: {args.bytes:,} bytes"
          + (f"; previous ({args.previous}): {args.previous_bytes:,} bytes, killed after {args.timeout:.0f} s"
             if args.previous else ""))
    header = f"{'input':22s} {'wall s':>7s} {'CPU s':>7s} {'MB/CPU-s':>9s} {'peak MB':>8s}"
    print(header + (f"   | previous: {'CPU s':>7s} {'MB/CPU-s':>9s} {'peak MB':>8s}" if prev_env else ""))
    worst_rate, worst_rss = float("inf"), 0.0
    for name in names:
        path = tmp / f"{name}.txt"
        path.write_bytes(adversarial_bytes(name, args.bytes))
        r = run_measured([sys.executable, "-m", "claimsift.cli", "segment", str(path)], env, args.timeout * 10)
        rate = args.bytes / 1e6 / max(r["cpu"], 1e-9)
        worst_rate, worst_rss = min(worst_rate, rate), max(worst_rss, r["rss"])
        line = f"{name:22s} {r['wall']:7.1f} {r['cpu']:7.1f} {rate:9.2f} {r['rss']:8.0f}" + ("" if r["ok"] else f"  FAILED {r['err']}")
        if prev_env:
            small = tmp / f"{name}.prev.txt"
            small.write_bytes(adversarial_bytes(name, args.previous_bytes))
            p = run_measured([sys.executable, "-m", "claimsift.cli", "segment", str(small)], prev_env, args.timeout)
            prate = args.previous_bytes / 1e6 / max(p["cpu"], 1e-9)
            line += (f"   |           {p['cpu']:7.1f} {prate:9.2f} {p['rss']:8.0f}" if p["ok"]
                     else f"   |           {'>' + format(args.timeout, '.0f') if p['timed_out'] else 'failed':>7s}")
        print(line, flush=True)
        path.unlink()
    print(f"slowest: {worst_rate:.2f} MB per CPU second; highest peak RSS: {worst_rss:.0f} MB")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=ADVERSARIAL_DOC)
    ap.add_argument("--adversarial", action="store_true", help="time the adversarial inputs instead (see above)")
    ap.add_argument("--bytes", type=int, default=10_000_000, help="size of each adversarial input")
    ap.add_argument("--only", nargs="*", choices=list(ADVERSARIAL), help="run only these adversarial inputs")
    ap.add_argument("--previous", metavar="REV", help="also run git revision REV's code, side by side")
    ap.add_argument("--previous-bytes", type=int, default=300_000)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before the previous code is killed")
    ap.add_argument("--golden", type=Path, default=DEFAULT_GOLDEN)
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--mb", type=float, default=1.0, help="size of the speed corpus in MB (default 1)")
    args = ap.parse_args(argv)
    if args.adversarial:
        return adversarial(args)

    golden = None
    if args.golden.is_file():
        golden = json.loads(args.golden.read_text(encoding="utf-8"))["cases"]
    else:
        print(f"note: {args.golden} not found: golden-rules column skipped")
    cases = [json.loads(line) for line in args.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    n_segs = sum(len(c["segments"]) for c in cases)

    docs = [c["text"] for c in cases] + ([c["text"] for c in golden] if golden else [])
    if FLAGSHIP.is_file():
        docs.append(FLAGSHIP.read_text(encoding="utf-8"))
    unit = sum(len(d) for d in docs)
    reps = max(1, int(args.mb * 1_000_000 / unit) + 1)
    corpus = docs * reps
    total = sum(len(d) for d in corpus)

    splitters = available_splitters()
    rows = []
    for name, (g_fn, n_fn) in splitters.items():
        g = f"{score_golden(g_fn, golden)}/{len(golden)}" if golden else "skipped"
        ok = score_news(n_fn, cases, with_body=False)
        nb = f"{score_news(n_fn, cases, True)}/{len(cases)}" if name == "claimsift" else "n/a"
        rate, done = speed(g_fn, corpus)
        rows.append((name, g, f"{ok}/{len(cases)} ({100 * ok / len(cases):.1f}%)", nb, f"{rate / 1e6:.2f} M" if rate >= 1e5 else f"{rate / 1e3:.0f} k", f"{done / 1e6:.2f}"))

    big = "\n\n".join(corpus)
    t0 = time.perf_counter()
    n_out = len(segment_document(big, "big"))
    dt = time.perf_counter() - t0

    header = ("splitter", "golden rules", "news segments", "news segs+body", "chars/s", "M chars timed")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    print(f"news set: {len(cases)} cases, {n_segs} segments; speed corpus: {total / 1e6:.2f} M chars")
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)))
    print(f"claimsift, whole corpus as one document: {len(big) / 1e6:.2f} M chars in {dt:.2f} s "
          f"= {len(big) / dt / 1e6:.2f} M chars/s ({n_out} segments)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
