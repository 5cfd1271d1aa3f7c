"""Small, hand-made pipeline outputs (metrics, predictions, agreement) for the report tests."""

from __future__ import annotations

from claimsift.evaluation import classification_metrics, confusion
from claimsift.labels import LABELS

ROWS = [  # (doc, origin, genre, source, gold, tfidf pred, transformer pred)
    ("gum_news_1", "real", "news", "gum_news", "finding", "finding", "finding"),
    ("gum_news_1", "real", "news", "gum_news", "testimony", "argument", "testimony"),
    ("ose_2", "real", "feature", "onestopenglish", "argument", "argument", "finding"),
    ("ose_2", "real", "feature", "onestopenglish", "finding", "finding", "finding"),
    ("seed", "seed", "partisan", "seed", "finding", "testimony", "finding"),
    ("seed", "seed", "partisan", "seed", "argument", "argument", "argument"),
    ("w_1", "written", "wire_news", None, "testimony", "testimony", "testimony"),
    ("w_1", "written", "wire_news", None, "argument", "finding", "argument"),
]
SEED_TEXT = "A Headline\n\nPolice held 31 people. <b>This is wrong.</b>\nRead more"


def predictions() -> list[dict]:
    out, index = [], {}
    for doc, origin, genre, source, gold, p1, p2 in ROWS:
        i = index[doc] = index.get(doc, 0) + 1
        rec = {"doc": doc, "index": i, "text": f"Sentence {i} of {doc} <i>", "label": gold, "genre": genre,
               "source": source, "origin": origin}
        for model, pred, conf in (("tfidf", p1, 0.6), ("transformer", p2, 0.9)):
            rec[f"{model}_pred"] = pred
            rec[f"{model}_scores"] = [conf if lab == pred else round((1 - conf) / 2, 4) for lab in LABELS]
        out.append(rec)
    return out


def metrics() -> dict:
    preds = predictions()
    out: dict = {}
    for model in ("tfidf", "transformer"):
        out[model] = {}
        for name, origin in (("real_test", "real"), ("seed", "seed"), ("synthetic_test", "written")):
            rows = [r for r in preds if r["origin"] == origin]
            y, p = [r["label"] for r in rows], [r[f"{model}_pred"] for r in rows]
            m = classification_metrics(y, p)
            out[model][name] = {**m, "documents": len({r["doc"] for r in rows}), "macro_f1_ci95": [0.1, 0.9],
                                "ci_resampled": "documents", "ece": 0.05, "ece_uncalibrated": 0.1,
                                "confusion": confusion(y, p)}
        out[model]["real_test"]["reliability"] = {
            "calibrated": [{"confidence": 0.6, "accuracy": 0.5, "count": 4}],
            "uncalibrated": [{"confidence": 0.8, "accuracy": 0.5, "count": 4}]}
    return out


def seed_segments() -> list[dict]:
    """The seed article's segments (offsets into ``SEED_TEXT``): a heading, two body
    sentences (indices 1 and 2 as in ``predictions``), a link list."""
    spans = [("A Headline", False, "heading"), ("Police held 31 people.", True, None),
             ("<b>This is wrong.</b>", True, None), ("Read more", False, "link_list")]
    out, pos = [], 0
    for i, (text, body, reason) in enumerate(spans):
        start = SEED_TEXT.index(text, pos)
        out.append({"doc": "seed", "index": i if body else 100 + i, "start": start, "end": start + len(text),
                    "text": text, "body": body, "reason": reason})
        pos = start + len(text)
    return out


AGREEMENT = {"documents": ["a", "b"], "first_vs_second": {"n": 20, "kappa": 0.8},
             "by_origin": {"real": {"documents": ["a"], "first_vs_second": {"n": 10, "kappa": 0.7}}}}
