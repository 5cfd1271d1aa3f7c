"""Rebuild real, openly licensed documents as plain text for ``data/raw``.

Two sources (see ``../shared/real_text/README.md`` and ``docs/datasheet.md``):

- **GUM** ``.conllu`` files (Wikinews news and interviews): the text is rebuilt from the
  ``# text`` lines, one paragraph per ``# newpar``, headline first. ``# newpar_block`` tells
  which paragraphs are headings, figures and captions: their sentences stay on lines of their
  own (real non-body text for the segmenter). A block that starts a speaker turn
  (``sp who:::"#Name"``) starts its line with the speaker's name and a colon, as transcripts
  do (guide rule 13).
- **OneStopEnglish** advanced-level Guardian articles: one paragraph a line, headline first;
  only the BOM and trailing spaces are removed.

``python -m claimsift.realtext import SHARED_REAL_TEXT`` writes the selected documents to
``data/raw`` and their metadata (``source``, ``license``, ``url``,
``written_for_project: false``, and for GUM the ``non_body`` spans of its heading, figure and
caption lines) to ``data/documents.jsonl``; it never overwrites a raw file. ``markup`` sets the
``non_body`` spans of GUM documents imported before they were recorded.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RealDocument", "gum_document", "onestop_document", "select_onestop", "main"]

GUM_URL = "https://github.com/amir-zeldes/gum"
OSE_URL = "https://github.com/nishkalavallabhi/OneStopEnglishCorpus"
LICENSES = {
    "gum_news": "CC BY 2.5 (Wikinews text)",
    "gum_interview": "CC BY 2.5 (Wikinews text)",
    "onestopenglish": "CC BY-SA 4.0",
}
# Blocks whose sentences are separate lines: they are not running prose.
_LINE_BLOCKS = {"head", "figure", "caption", "item", "list", "lg", "incident"}
# GUM's markup says these lines are headings, figures and captions: real non-body text (guide).
_NON_BODY_BLOCKS = {"head": "heading", "figure": "caption", "caption": "caption"}
_BLOCK_RE = re.compile(r'^(\w+)(?:\s+who:::"#?([^"]+)")?.*?\((\d+) s\)')


@dataclass(frozen=True)
class RealDocument:
    """One rebuilt document: ``id``, its ``text`` and its ``documents.jsonl`` metadata."""

    id: str
    text: str
    meta: dict


def _speaker_name(who: str) -> str:
    # GUM writes speakers as CamelCase ids ("DavidBGass"): spell them as a transcript would.
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", who).strip()


def gum_document(conllu: str, doc_id: str | None = None) -> RealDocument:
    """Rebuild one GUM document from its CoNLL-U text.

    Args:
        conllu: the whole ``.conllu`` file.
        doc_id: id for ``data/raw``; default ``gum_<genre>_<name>`` from ``# newdoc id``.
    Returns:
        The document, headline first, one paragraph (or heading/caption sentence) a line.
    """
    meta: dict[str, str] = {}
    paragraphs: list[tuple[str | None, list[str]]] = []  # (block header, sentences)
    for line in conllu.splitlines():
        if line.startswith("# newdoc id = "):
            meta["newdoc"] = line.split(" = ", 1)[1].strip()
        elif line.startswith("# meta::"):
            key, _, value = line[len("# meta::"):].partition(" = ")
            meta[key.strip()] = value.strip()
        elif line.startswith("# newpar_block = "):
            if paragraphs and not paragraphs[-1][1]:
                paragraphs[-1] = (line.split(" = ", 1)[1], [])
            else:
                paragraphs.append((line.split(" = ", 1)[1], []))
        elif line == "# newpar" or line.startswith("# newpar "):
            paragraphs.append((None, []))
        elif line.startswith("# text = "):
            if not paragraphs:
                paragraphs.append((None, []))
            paragraphs[-1][1].append(line[len("# text = "):])
    lines: list[tuple[str, str]] = []  # (line, block kind)
    for block, sents in paragraphs:
        if not sents:
            continue
        m = _BLOCK_RE.match(block or "")
        kind, who, n = (m.group(1), m.group(2), int(m.group(3))) if m else ("p", None, len(sents))
        first, rest = sents[:n], sents[n:]
        if kind in _LINE_BLOCKS:
            lines.extend((s, kind) for s in first)
        else:
            prefix = f"{_speaker_name(who)}: " if kind == "sp" and who else ""
            lines.append((prefix + " ".join(first), kind))
        if rest:  # sentences after the block (e.g. a date under a headline) are their own line
            lines.append((" ".join(rest), "p"))
    text, non_body, pos = "", [], 0
    for line, kind in lines:
        if kind in _NON_BODY_BLOCKS:
            non_body.append([pos, pos + len(line), _NON_BODY_BLOCKS[kind]])
        text += line + "\n"
        pos += len(line) + 1
    name = meta.get("newdoc", doc_id or "gum_doc")
    genre = name.split("_")[1] if name.count("_") >= 2 else "news"
    doc_id = doc_id or "gum_" + name.removeprefix("GUM_").lower()
    source = f"gum_{genre}"
    return RealDocument(doc_id, text, {
        "id": doc_id, "genre": genre, "topic": "general", "country": "various",
        "written_for_project": False, "noise": True, "source": source,
        "license": LICENSES.get(source, "CC BY 2.5"), "url": meta.get("sourceURL", GUM_URL),
        "title": meta.get("title", ""),
        "provenance": f"GUM corpus ({GUM_URL}, commit 72ce5ac1), {name}",
        "non_body": non_body,
    })


def onestop_document(text: str, name: str) -> RealDocument:
    """Rebuild one OneStopEnglish advanced-level article (``name`` is the file stem)."""
    lines = [ln.rstrip() for ln in text.lstrip("\ufeff").splitlines()]
    body = "\n".join(ln for ln in lines if ln.strip()) + "\n"
    stem = name.removesuffix("-adv")
    doc_id = "ose_" + re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_")
    return RealDocument(doc_id, body, {
        "id": doc_id, "genre": "news", "topic": "general", "country": "various",
        "written_for_project": False, "noise": False, "source": "onestopenglish",
        "license": LICENSES["onestopenglish"], "url": OSE_URL,
        "title": lines[0].strip() if lines else "",
        "provenance": f"OneStopEnglish corpus ({OSE_URL}, commit 37f8db39), Adv-Txt/{name}.txt; "
                      "Guardian article adapted at the advanced level",
    })


_SPEECH = re.compile(r"[\"“”]|\b(?:said|says|told|according to|argued|warned|urged|called on)\b", re.I)


def select_onestop(docs: list[RealDocument], n: int) -> list[RealDocument]:
    """Pick ``n`` articles richest in reported speech and argument cues, ties by id.

    Reported speech is where the three labels meet, so the richest articles teach the most;
    the ranking is deterministic so the selection can be rebuilt.
    """
    def score(d: RealDocument) -> float:
        lines = max(1, d.text.count("\n"))
        return len(_SPEECH.findall(d.text)) / lines
    return sorted(docs, key=lambda d: (-score(d), d.id))[:n]


def load_all(shared: Path, n_onestop: int) -> list[RealDocument]:
    """GUM news and interviews, plus ``n_onestop`` selected OneStopEnglish articles."""
    gum = [gum_document(p.read_text(encoding="utf-8"))
           for p in sorted((shared / "gum").glob("GUM_*.conllu"))
           if p.name.startswith(("GUM_news_", "GUM_interview_"))]
    ose = [onestop_document(p.read_text(encoding="utf-8"), p.stem)
           for p in sorted((shared / "onestopenglish_adv").glob("*-adv.txt"))]
    return gum + select_onestop(ose, n_onestop)


def _refresh_markup(shared: Path, raw_dir: Path, metadata: Path) -> int:
    """Set ``non_body`` (GUM heading/figure/caption lines) on the imported GUM documents' metadata.

    The spans come from rebuilding each document again; a raw file that no longer matches its
    rebuild is refused (its offsets would point at the wrong text).
    """
    rebuilt = {d.id: d for d in load_all(shared, 0)}
    records = [json.loads(ln) for ln in metadata.read_text(encoding="utf-8").splitlines() if ln.strip()]
    changed = 0
    for rec in records:
        doc = rebuilt.get(rec["id"])
        if doc is None:
            continue
        if (raw_dir / f"{doc.id}.txt").read_text(encoding="utf-8") != doc.text:
            print(f"realtext: {doc.id}: data/raw differs from its GUM rebuild; markup not set", file=sys.stderr)
            return 2
        changed += rec.get("non_body") != doc.meta["non_body"]
        rec["non_body"] = doc.meta["non_body"]
    metadata.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"markup: {changed} documents updated")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m claimsift.realtext")
    ap.add_argument("command", choices=["import", "markup"],
                    help="import: add new documents; markup: refresh the GUM documents' non_body spans")
    ap.add_argument("shared", type=Path, help="the real_text folder, e.g. ../shared/real_text")
    ap.add_argument("--raw-dir", type=Path, default=Path("data/raw"))
    ap.add_argument("--metadata", type=Path, default=Path("data/documents.jsonl"))
    ap.add_argument("--onestop", type=int, default=80, help="OneStopEnglish articles to import")
    args = ap.parse_args(argv)
    if args.command == "markup":
        return _refresh_markup(args.shared, args.raw_dir, args.metadata)
    known = {json.loads(ln)["id"] for ln in args.metadata.read_text().splitlines() if ln.strip()}
    added = []
    with args.metadata.open("a", encoding="utf-8") as meta:
        for doc in load_all(args.shared, args.onestop):
            path = args.raw_dir / f"{doc.id}.txt"
            if path.exists() or doc.id in known:
                continue  # data/raw is immutable: never rewrite an imported document
            path.write_text(doc.text, encoding="utf-8")
            meta.write(json.dumps(doc.meta, ensure_ascii=False) + "\n")
            added.append(doc.id)
    print(f"imported {len(added)} documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
