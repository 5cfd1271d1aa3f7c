"""Main text of an HTML page, with what the page's structure says about each line of it.

trafilatura extracts the main text twice: favouring recall (the text claimsift segments, so that
no line of the article is lost) and favouring precision (a line kept there is very likely
article). Each line of the recall text is then matched to the element of the page it came from,
and :class:`claimsift.pagetext.LineHints` records its tag, link density, page-structure ancestors
(figure, aside, nav, footer, ...) and noise words in its or its ancestors' class and id
("caption", "related", "share", "newsletter", "author", ...). The segmenter's page model weighs
these hints to flag captions, related lists, bios, prompts and the like as non-body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimsift.pagetext import ARTICLE_TOKENS, NOISE_TOKENS, LineHints

__all__ = ["PageText", "extract_page"]

_WORD = re.compile(r"\w+")
_SPLIT = re.compile(r"[^a-z0-9]+")
_STRUCT = frozenset(("figure", "aside", "nav", "footer", "header", "blockquote", "form", "table"))
_TOKENS = NOISE_TOKENS + ARTICLE_TOKENS
_MAX_ELEMENT_CHARS = 5000


@dataclass
class PageText:
    """Extracted main text and one :class:`LineHints` per line (``text.split("\\n")``)."""

    text: str
    hints: list[LineHints]


def _norm(s: str) -> str:
    return " ".join(_WORD.findall(s.lower()))


def _extract(html: str, **options) -> str:
    import trafilatura

    return trafilatura.extract(html, output_format="txt", include_comments=False, include_tables=True, include_images=False,
                               include_links=False, deduplicate=False, with_metadata=False, **options) or ""


def _tokens_of(el) -> set[str]:
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if not names.strip():
        return set()
    parts = [p for p in _SPLIT.split(names) if p]
    return {t for t in _TOKENS for p in parts if t in p}


def _element_index(html: str) -> dict[str, tuple]:
    """Normalized text -> (tag, link density, tokens, structural ancestors) of the deepest element with that text."""
    from lxml import etree, html as lhtml

    try:
        root = lhtml.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return {}
    index: dict[str, tuple] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "head", "title", "meta"):
            continue
        text = el.text_content()
        if not text or len(text) > _MAX_ELEMENT_CHARS:
            continue
        key = _norm(text)
        if not key:
            continue
        links = sum(len(a.text_content()) for a in el.iter("a"))
        if el.tag == "a":
            links = len(text)
        toks: set[str] = set()
        tags: set[str] = set()
        node = el
        depth = 0
        while node is not None and depth < 40:
            if isinstance(node.tag, str):
                toks |= _tokens_of(node)
                if node.tag in _STRUCT:
                    tags.add(node.tag)
            node = node.getparent()
            depth += 1
        index[key] = (el.tag, min(1.0, links / max(1, len(text.strip()))), frozenset(toks), frozenset(tags))
    return index


def extract_page(html: str) -> PageText | None:
    """Main text (favouring recall) with per-line hints; None when no main text is found."""
    text = _extract(html, favor_recall=True)
    if not text.strip():
        return None
    precise = {_norm(line) for line in _extract(html, favor_precision=True).split("\n")}
    index = _element_index(html)
    hints = []
    for line in text.split("\n"):
        s = line.strip()
        key = _norm(s[2:] if s.startswith("- ") else s)
        found = index.get(key)
        h = LineHints(found=found is not None, precise=_norm(s) in precise or key in precise)
        if found is not None:
            h.tag, h.link_density, h.tokens, h.in_tags = found
        hints.append(h)
    return PageText(text=text, hints=hints)
