"""Peak memory of ``claimsift classify`` on 10 MB inputs: this code against a previous revision.

Usage (from the repository root)::

    PYTHONPATH=src python bench/classify_memory.py --model models/tfidf [--model models/transformer]
        [--previous REV] [--only INPUT ...] [--bytes 10000000] [--timeout 900] [--max-rss 4000]

Each input of ``bench/segmentation.py --adversarial`` (plus ``corpus_prose``: the documents of
``data/raw`` one after another, a realistic 10 MB article collection as one document) is written
to a file of ``--bytes`` bytes and run as ``claimsift classify FILE --model M > /dev/null`` in a
fresh process, for each model, with this checkout's code and, given ``--previous REV``, with the
code of git revision REV side by side. The table gives CPU seconds and the peak RSS of that
process (``os.wait4``). A run is stopped after ``--timeout`` seconds (the transformer scores a few
hundred sentences per CPU second: an input of a million sentences takes hours) or once its RSS
passes ``--max-rss`` MB, and then shows its peak so far with ``stopped``/``over``. The first row,
``(model only)``, classifies one sentence: the peak that loading the model alone reaches.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from segmentation import ADVERSARIAL, ROOT, adversarial_bytes, previous_src, run_measured  # noqa: E402

LIMIT_MB = 1000  # issue 8: classify of any 10,000,000-byte input with either model


def _cell(r: dict) -> str:
    state = "" if r["ok"] else " over" if r["over_memory"] else " stopped" if r["timed_out"] else " FAILED"
    return f"{r['cpu']:7.1f} {r['rss']:7.0f}{state:8s}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", action="append", required=True, help="a model directory (repeat for more)")
    ap.add_argument("--previous", metavar="REV", help="also run git revision REV's code, side by side")
    ap.add_argument("--only", nargs="*", choices=list(ADVERSARIAL), help="run only these inputs")
    ap.add_argument("--bytes", type=int, default=10_000_000)
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds before a run is stopped")
    ap.add_argument("--max-rss", type=float, default=4000.0, help="MB of RSS at which a run is stopped")
    args = ap.parse_args(argv)

    envs = {"this": {**os.environ, "PYTHONPATH": str(ROOT / "src")}}
    if args.previous:
        envs["previous"] = {**os.environ, "PYTHONPATH": str(previous_src(args.previous))}
    tmp = Path(tempfile.mkdtemp(prefix="claimsift-classify-"))
    print(f"claimsift classify FILE --model M > /dev/null, fresh process per run, {args.bytes:,}-byte inputs; "
          f"stopped after {args.timeout:.0f} s or above {args.max_rss:.0f} MB; load average {os.getloadavg()[0]:.1f}")
    head = f"{'input':22s} {'model':12s} | this: {'CPU s':>7s} {'peak MB':>7s} {'':8s}"
    print(head + (f"| previous ({args.previous}): {'CPU s':>7s} {'peak MB':>7s}" if args.previous else ""))
    one = tmp / "one.txt"
    one.write_text("Police arrested 31 people outside the ministry on Tuesday.\n", encoding="utf-8")
    worst: dict[str, float] = {}
    for name in ["(model only)", *(args.only or ADVERSARIAL)]:
        path = one
        if name != "(model only)":
            path = tmp / f"{name}.txt"
            path.write_bytes(adversarial_bytes(name, args.bytes))
        for model in args.model:
            line = f"{name:22s} {Path(model).name:12s} |"
            for which, env in envs.items():
                r = run_measured([sys.executable, "-m", "claimsift.cli", "classify", str(path), "--model", model,
                                  "--quiet"], env, args.timeout, args.max_rss)
                line += f"       {_cell(r)}" + ("|" if which == "this" and len(envs) > 1 else "")
                if which == "this":
                    worst[model] = max(worst.get(model, 0.0), r["rss"])
            print(line, flush=True)
        if path is not one:
            path.unlink()
    for model, rss in worst.items():
        print(f"highest peak RSS, this code, {Path(model).name}: {rss:.0f} MB (limit {LIMIT_MB} MB)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
