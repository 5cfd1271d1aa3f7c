"""Tell the article from the page around it, unit by unit (lines of a scraped or copied web page).

A web page reduced to text (what a user copies from a browser, or what an extractor keeps) holds
the article and the page around it: navigation, share bars, captions, related-story lists, author
bios, newsletter prompts, cookie notices. The segmenter cuts such text into units (lines);
:func:`article_probabilities` scores each unit with a small logistic model over features of the
unit and its neighbours (length, punctuation, page-noise cues, how much prose surrounds it, where
the densest run of prose lies, repeats of other units) and, for HTML input, of the elements it
came from (:class:`LineHints`, filled by :mod:`claimsift.webpage`).

The weights are plain JSON (``page_lines_text.json`` for copied page text, ``page_lines_html.json``
for text extracted from HTML), trained by ``bench/train_page_lines.py`` on the tuning half of the
Article Extraction Benchmark pages, with labels derived from the person-marked article body.

Plain text is scored only when it looks like a copied page (:func:`looks_like_page`), so an
ordinary article or report is segmented exactly as before.
"""

from __future__ import annotations

from typing import Iterable

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["LineHints", "PageModel", "looks_like_page", "unit_features", "article_probabilities", "load_model",
           "page_reason"]

_HERE = Path(__file__).resolve().parent
_WORD = re.compile(r"\w+")
_TERM = re.compile(r"[.!?…‽。！？][”’\"'»)\]}*_」』）]*$")
# Chinese and Japanese write no spaces between words: a run of their characters counts as one
# word per two characters, so a sentence of them reads as prose and a menu item as a short line
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# page-noise cues in the text itself (language: mostly English; the model weighs them)
_COOKIE = re.compile(r"\b(?:cookies?|privacy (?:policy|settings|notice)|consent|gdpr|terms of (?:use|service))\b", re.I)
_CREDIT = re.compile(
    r"(?:\((?:[^()]{0,60}(?:photo|image|picture|credit|getty|reuters|afp|ap|epa|shutterstock|courtesy|handout)[^()]{0,60})\)\s*\.?$)"
    r"|(?:\b(?:photo|photograph|image|picture|illustration|video|credit)s?\s*(?:by|:|/|courtesy)\s*[\w.’' -]{2,60}$)"
    r"|(?:(?:/|\||©)\s*[A-Z][\w.’' -]{1,50}$)|\b(?:Getty Images|Shutterstock|AFP|Reuters|EPA|AP Photo|iStock)\b[^.!?]{0,40}$", re.I)
_CONTRIB = re.compile(r"\b(?:additional reporting|contributed to this (?:report|story|article)|reporting by|editing by|writing by"
                      r"|contributed reporting|with (?:files|reporting) from)\b", re.I)
_BIO = re.compile(r"^(?:[A-Z][\w’'.-]+(?: [A-Z][\w’'.-]+){0,3}) (?:is|was|has been|covers|writes|reports)\b.{0,200}"
                  r"\b(?:reporter|correspondent|writer|editor|journalist|columnist|contributor|author|producer|covers|based in"
                  r"|staff|fellow|professor|follow (?:him|her|them))\b", re.I)
_EMBED = re.compile(r"pic\.twitter\.com|\(@\w{1,30}\)|A post shared by|View this post on Instagram|twitter\.com/\w+/status"
                    r"|^—\s*[^—]{1,60}\(@\w+\)", re.I)
_SHARE = re.compile(r"^(?:share|tweet|email|e-mail|print|comment|comments|facebook|twitter|whatsapp|linkedin|pinterest|reddit"
                    r"|copy link|save|like)\b(?:\W+\w+){0,6}\W*$", re.I)
_PROMO = re.compile(r"\b(?:newsletter|subscribe|sign up|signup|inbox|donate|donation|support (?:our|us|independent)|membership"
                    r"|become a member|download (?:the|our) app|advertis\w+|sponsored|click here)\b", re.I)
# a prompt to subscribe or respond, not article text (each part fires on two or more tuning pages)
_PROMPT = re.compile(r"\b(?:delivered (?:straight |directly )?(?:to|through|into) your (?:inbox|letterbox|door|mailbox)"
                     r"|(?:subscrib\w+|sign(?:ing)? up) (?:to|for) (?:our|the) (?:\w+ ){0,3}newsletters?|like this (?:story|article)\?"
                     r"|tell us what you think|(?:enter|type) your e-?mail|unsubscribe at any time)", re.I)
_RELATED = re.compile(r"^(?:related|more (?:on|from|in|about|stories)|read (?:more|also|next)|also read|see also|recommended"
                      r"|you (?:may|might) also|most (?:read|popular|viewed|shared)|trending|popular|top stories|latest)\b", re.I)
_VIDEO = re.compile(r"\b(?:video|watch|play|listen|audio|podcast|duration|\d{1,2}:\d{2})\b", re.I)
_NAV = re.compile(r"^(?:home|news|sport|sports|business|politics|world|opinion|culture|lifestyle|tech|technology|science|health"
                  r"|entertainment|travel|menu|search|sections?|about us|contact(?: us)?|careers|privacy|terms|log ?in|sign in"
                  r"|register|subscribe|advertise|help|faq|sitemap|rss|archives?)\b", re.I)
_DATEISH = re.compile(r"\b(?:\d{4}|\d{1,2}:\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}|updated|published)\b",
                      re.I)
_COMMENT = re.compile(
    r"^(?:leave a (?:reply|comment)|post a comment|add (?:a |your )?comment|write a comment|\d+ (?:comments?|replies|responses)"
    r"|comments?(?: \(\d+\))?|(?:show|view|load|hide|read) (?:all )?comments|join the (?:discussion|conversation)|comments are closed"
    r"|you must (?:be )?log(?:ged)? in to (?:post|leave) a comment|log in to (?:comment|reply)|reply|report(?: abuse| comment)?|cancel reply"
    r"|comments? powered by \w+|newest|oldest|sort by\b.{0,20})\W*$"
    r"|\b(?:said|says|wrote|writes|commented)\s*:\s*$", re.I)
_ENUM = re.compile(r"^#?(\d{1,3})\s?[.):]\s+\S")
_STOP = frozenset("""the a an of to in and or for on at by with from that this is are was were be been it its as but not
have has had he she they we you his her their our which who what when will would can could said says""".split())

NOISE_TOKENS = ("caption", "credit", "figure", "related", "recommend", "more", "share", "social", "newsletter", "subscribe",
                "promo", "author", "bio", "byline", "nav", "menu", "footer", "header", "aside", "sidebar", "comment", "video",
                "player", "embed", "tweet", "instagram", "cookie", "tag", "breadcrumb", "widget", "teaser", "meta", "card",
                "list", "title", "headline", "summary", "dek", "label", "date", "time")
ARTICLE_TOKENS = ("article", "story", "content", "body", "post", "entry", "text", "main")


@dataclass
class LineHints:
    """What the HTML says about one line of extracted text (see :mod:`claimsift.webpage`)."""

    found: bool = False          # the line was matched to an element of the page
    precise: bool = False        # trafilatura keeps it also when it favours precision
    tag: str = ""                # tag of the element it came from (p, li, h2, figcaption, ...)
    link_density: float = 0.0    # share of its characters inside links
    tokens: frozenset = field(default_factory=frozenset)   # NOISE_TOKENS / ARTICLE_TOKENS seen on it or its ancestors
    in_tags: frozenset = field(default_factory=frozenset)  # structural ancestors: figure, aside, nav, footer, header, blockquote


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class PageModel:
    """Two stacked logistic models over named features, read from JSON (no pickle).

    Stage 1 scores each unit from its own features; stage 2 adds stage 1's scores of the
    neighbours and where the densest run of likely article units lies (an article is one block).
    """

    name: str
    weights: dict[str, float]
    bias: float
    threshold: float
    override: float
    weights2: dict[str, float] = field(default_factory=dict)
    bias2: float = 0.0
    sub_threshold: float = 0.0   # a unit the rules call a heading is an in-article subheading from this score up
    core_threshold: float | None = None  # the threshold inside the core (the densest run of prose); None: ``threshold``

    def cut(self, in_core: bool) -> float:
        """The score from which a unit is article text, inside or outside the core."""
        return self.threshold if self.core_threshold is None or not in_core else min(self.threshold, self.core_threshold)

    def prob(self, feats: dict[str, float]) -> float:
        return _logistic(self.bias + sum(self.weights.get(k, 0.0) * v for k, v in feats.items()))

    def probs(self, feats: list[dict[str, float]], units: list[str]) -> list[float]:
        p1 = [self.prob(f) for f in feats]
        if not self.weights2:
            return p1
        return [_logistic(self.bias2 + sum(self.weights2.get(k, 0.0) * v for k, v in f.items()))
                for f in stage2_features(feats, p1, units)]


def stage2_features(feats: list[dict[str, float]], p1: list[float], units: list[str]) -> list[dict[str, float]]:
    """Stage-1 features plus the stage-1 scores around each unit and its place relative to the article block."""
    n = len(p1)
    ntok = [max(1, len(_WORD.findall(s))) for s in units]
    # densest block of likely article text: maximum-sum run of token-weighted (p - 0.5)
    best, span, cur, start = 0.0, (0, -1), 0.0, 0
    for i in range(n):
        sc = ntok[i] * (p1[i] - 0.5)
        if cur <= 0:
            cur, start = sc, i
        else:
            cur += sc
        if cur > best:
            best, span = cur, (start, i)
    a, b = span
    mass = [t * p for t, p in zip(ntok, p1)]
    before, acc = [], 0.0
    for m in mass:
        before.append(acc)
        acc += m
    total = acc or 1.0
    out = []
    for i, f in enumerate(feats):
        g = dict(f)
        g["s_p"] = p1[i]
        g["s_logit"] = math.log(max(1e-6, p1[i]) / max(1e-6, 1 - p1[i]))
        for k, (lo, hi) in (("s_n1", (i - 1, i + 2)), ("s_n3", (i - 3, i + 4)), ("s_n8", (i - 8, i + 9))):
            near = [p1[j] for j in range(max(0, lo), min(n, hi)) if j != i]
            g[k] = sum(near) / len(near) if near else 0.0
        g["s_prev"] = p1[i - 1] if i > 0 else 0.0
        g["s_next"] = p1[i + 1] if i + 1 < n else 0.0
        inside = a <= i <= b
        g["s_in_block"] = float(inside)
        if not inside:
            g["s_before" if i < a else "s_after"] = 1.0
            g["s_dist"] = math.log1p(a - i if i < a else i - b)
        g["s_in_block_low"] = float(inside and p1[i] < 0.5)
        if inside:
            g["s_to_end"] = math.log1p(b - i)
            g["s_from_start"] = math.log1p(i - a)
        fwd = [p1[j] for j in range(i + 1, min(n, i + 6))]
        back = [p1[j] for j in range(max(0, i - 5), i)]
        g["s_fwd5"] = sum(fwd) / len(fwd) if fwd else 0.0
        g["s_back5"] = sum(back) / len(back) if back else 0.0
        g["s_mass_before"] = before[i] / total
        g["s_mass_after"] = (total - before[i] - mass[i]) / total
        out.append(g)
    return out


@lru_cache(maxsize=4)
def load_model(kind: str) -> PageModel | None:
    """The shipped model for ``kind`` ("text" or "html"), or None when it was not trained yet."""
    path = _HERE / f"page_lines_{kind}.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return PageModel(name=kind, weights={k: float(v) for k, v in data["weights"].items()}, bias=float(data["bias"]),
                     threshold=float(data["threshold"]), override=float(data.get("override", 2.0)),
                     weights2={k: float(v) for k, v in data.get("weights2", {}).items()}, bias2=float(data.get("bias2", 0.0)),
                     sub_threshold=float(data.get("sub_threshold", 0.0)),
                     core_threshold=None if data.get("core_threshold") is None else float(data["core_threshold"]))


def _nwords(s: str) -> int:
    """Words of ``s``; a run of Chinese or Japanese characters counts one word per two characters."""
    n = len(s.split())
    if n and _CJK.search(s):
        n += sum(len(m) // 2 for m in _CJK.findall(s))
    return n


_CJK_END = re.compile(r"[。！？][」』）”’\"']*$")


def _rule(s: str, rule: str | None) -> str | None:
    """The text rules' reason, except that a Chinese or Japanese sentence (which the rules, written
    for spaced scripts, take for a heading) is no heading."""
    return None if rule == "heading" and _CJK_END.search(s) else rule


def _is_prose(s: str) -> bool:
    return _nwords(s) >= 10 and bool(_TERM.search(s))


def looks_like_page(units: Iterable[str]) -> bool:
    """Strong evidence that plain text is a copied web page rather than an article or report.

    A page brings many short menu-like lines (one to four words, no final punctuation: sections,
    share buttons, related links) around its prose; an article or report has a few headings.
    Both a count and a share must be met.
    """
    short = total = 0
    for s in units:  # one pass over any iterable, so the segmenter can stream the units
        total += 1
        short += bool(s and _nwords(s) <= 4 and not _TERM.search(s))
    return short >= 15 and short >= 0.2 * total


def _core(units: list[str]) -> tuple[int, int]:
    """The run of units with the most prose (maximum-sum subarray; short non-prose units cost)."""
    best, best_span = 0.0, (0, -1)
    cur, start = 0.0, 0
    for i, s in enumerate(units):
        w = _nwords(s)
        score = float(w) if _is_prose(s) else (-6.0 if w <= 8 else -2.0)
        if cur <= 0:
            cur, start = score, i
        else:
            cur += score
        if cur > best:
            best, best_span = cur, (start, i)
    return best_span


def _norm(s: str) -> str:
    return " ".join(_WORD.findall(s.lower()))


def unit_features(units: list[str], reasons: list[str | None], hints: list[LineHints | None] | None = None) -> list[dict[str, float]]:
    """Features of each unit (stripped text) given the rule reasons and, for HTML, the line hints."""
    n = len(units)
    prose = [1.0 if _is_prose(s) else 0.0 for s in units]
    a, b = _core(units)
    runs = _list_runs(units, prose)
    b = _extend_core(a, b, runs)
    norms = [_norm(s) for s in units]
    counts: dict[str, int] = {}
    for t in norms:
        if t:
            counts[t] = counts.get(t, 0) + 1
    # pull quotes repeat a sentence of a body paragraph; a page-sized blob holding everything is no paragraph
    long_norms = [t for t in norms if 80 <= len(t) <= 2000]
    heads = {t for t in norms if 4 <= t.count(" ") + 1 <= 25}
    out = []
    for i, s in enumerate(units):
        f: dict[str, float] = {}
        ws = s.split()
        nw = _nwords(s)
        r = _rule(s, reasons[i])
        if r is not None:
            f["r=" + r] = 1.0
            f["rule"] = 1.0
        f["lw"] = math.log1p(nw)
        f["short"] = float(nw <= 3)
        f["long"] = float(nw >= 15)
        term = bool(_TERM.search(s))
        f["term"] = float(term)
        f["term_long"] = float(term and nw >= 8)
        f["colon"] = float(s.endswith(":"))
        f["q"] = float(s[:1] in "“\"‘'«")
        letters = [w for w in ws if w[:1].isalpha()]
        if len(letters) >= 2:
            f["title"] = sum(1 for w in letters if w[:1].isupper()) / len(letters)
        alpha = sum(c.isalpha() for c in s)
        if alpha >= 6:
            f["caps"] = float(sum(c.isupper() for c in s) / alpha > 0.8)
        if s:
            f["digits"] = sum(c.isdigit() for c in s) / len(s)
        toks = _WORD.findall(s.lower())
        if toks:
            f["stop"] = sum(t in _STOP for t in toks) / len(toks)
        f["comma"] = s.count(",") / max(1, nw)
        f["pipe"] = float("|" in s)
        f["at"] = float("@" in s)
        f["url"] = float("http" in s or "www." in s)
        f["bullet"] = float(s[:2] in ("- ", "• ", "* "))
        for name, rx in (("c_cookie", _COOKIE), ("c_credit", _CREDIT), ("c_contrib", _CONTRIB), ("c_bio", _BIO),
                         ("c_embed", _EMBED), ("c_promo", _PROMO), ("c_video", _VIDEO)):
            if rx.search(s):
                f[name] = 1.0
        for name, rx in (("c_share", _SHARE), ("c_related", _RELATED), ("c_nav", _NAV)):
            if rx.match(s):
                f[name] = 1.0
        if nw <= 12 and _DATEISH.search(s):
            f["c_date"] = 1.0
        # context
        lo, hi = max(0, i - 2), min(n, i + 3)
        near = [prose[j] for j in range(lo, hi) if j != i]
        f["ctx2"] = sum(near) / len(near) if near else 0.0
        lo, hi = max(0, i - 6), min(n, i + 7)
        near = [prose[j] for j in range(lo, hi) if j != i]
        f["ctx6"] = sum(near) / len(near) if near else 0.0
        f["prev_prose"] = prose[i - 1] if i > 0 else 0.0
        f["next_prose"] = prose[i + 1] if i + 1 < n else 0.0
        inside = a <= i <= b
        f["in_core"] = float(inside)
        if not inside:
            dist = a - i if i < a else i - b
            f["before_core" if i < a else "after_core"] = 1.0
            f["core_dist"] = math.log1p(dist)
        f["pos"] = i / max(1, n - 1)
        f["in_core_short"] = float(inside and nw <= 8 and not term)
        f["in_core_rule"] = float(inside and r is not None)
        f["out_core_prose"] = float(not inside and prose[i] > 0)
        t = norms[i]
        if t and counts.get(t, 0) > 1:
            f["dup"] = 1.0
        if t and 5 <= nw <= 40 and any(len(o) >= len(t) + 20 and t in o for o in long_norms):
            f["pull"] = 1.0
        if _COMMENT.search(s) and nw <= 30:
            f["c_comment"] = 1.0
        if nw >= 12:
            # a teaser is a headline in title case run into its summary
            lead = [w for w in ws[:12] if w[:1].isalpha()][:8]
            if lead:
                f["lead_caps"] = sum(w[:1].isupper() for w in lead) / len(lead)
            toks = norms[i].split()
            if any(" ".join(toks[:k]) in heads for k in range(4, min(len(toks) - 3, 26))):
                f["starts_other"] = 1.0
        h = hints[i] if hints is not None and i < len(hints) else None
        if h is not None:
            f["h_found"] = float(h.found)
            f["h_precise"] = float(h.precise)
            f["h_lost"] = float(not h.precise)
            if h.tag:
                f["h_tag=" + (h.tag if h.tag in ("p", "li", "h1", "h2", "h3", "h4", "figcaption", "blockquote", "td") else "other")] = 1.0
            f["h_links"] = h.link_density
            for tok in h.tokens:
                f["h_cls=" + tok] = 1.0
            for tag in h.in_tags:
                f["h_in=" + tag] = 1.0
        out.append(f)
    _sequence_features(runs, out, a)
    return out


_END_CUES = ("c_comment", "c_related", "c_share", "c_promo", "c_cookie", "r=copyright", "r=tags", "r=follow", "c_bio", "c_contrib")


def _shape(s: str) -> tuple:
    """A coarse shape of a list item: how it starts and whether a dash or colon splits it."""
    w = s.split(None, 1)[0] if s.strip() else ""
    start = "num" if w[:1].isdigit() else ("month" if w.lower().rstrip(".") in _MONTHS else ("cap" if w[:1].isupper() else
                                                                                              ("low" if w[:1].islower() else "sym")))
    return start, bool(re.search(r" (?:--|–|—|-|:) ", s))


_MONTHS = frozenset("jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august september "
                    "october november december".split())


def _list_runs(units: list[str], prose: list[float]) -> list[str | None]:
    """Which list each unit belongs to: "item" (numbered items in sequence, or items of one shape
    after a sentence ending in a colon), "head" (that sentence), else None."""
    n = len(units)
    nums = []
    for s in units:
        m = _ENUM.match(s)
        nums.append(int(m.group(1)) if m else None)
    out: list[str | None] = [None] * n
    for i, k in enumerate(nums):
        if k is not None and any(nums[j] in (k - 1, k + 1) for j in range(max(0, i - 12), min(n, i + 13)) if j != i):
            out[i] = "item"
    for i in range(1, n - 1):  # a stray line (a link on its own) inside a numbered list
        if out[i] is None and out[i - 1] == "item" and out[i + 1] == "item":
            out[i] = "item"
    for i, s in enumerate(units[:-1]):
        if not (s.endswith(":") and _nwords(s) >= 5 and not _RELATED.match(s)):
            continue
        j = i + 1
        if out[j] is None and not prose[j]:
            shape = _shape(units[j])
            while j < n and j - i <= 80 and out[j] is None and not prose[j] and _shape(units[j]) == shape:
                out[j] = "item"
                j += 1
        if j - i >= 3 or (j < n and out[j] == "item"):
            out[i] = "head"
    return out


def _extend_core(a: int, b: int, runs: list[str | None]) -> int:
    """The end of the core, carried over a numbered list or a list a sentence of the core introduces."""
    while a <= b and b + 1 < len(runs) and runs[b + 1] is not None:
        b += 1
    return b


def _kind(f: dict[str, float]) -> str:
    """A unit's kind for pattern features: prose, date, title-like short line, other."""
    if f.get("term_long"):
        return "P"
    if f.get("c_date") or f.get("r=dateline"):
        return "D"
    return "H" if not f.get("term") and f["lw"] <= math.log1p(15) else "S"


def _periodic(kinds: list[str], i: int) -> bool:
    """Whether the kinds around unit i repeat with a short period (2 to 4) that mixes kinds: teaser
    lists (headline, author, date, summary) and link blocks repeat, an article's paragraphs do not."""
    n = len(kinds)
    for per in (2, 3, 4):
        lo, hi = max(0, i - per), min(n - per, i + per)
        if hi - lo < per or len(set(kinds[lo:hi + per])) < 2:
            continue
        if sum(kinds[j] == kinds[j + per] for j in range(lo, hi)) >= 0.9 * (hi - lo):
            return True
    return False


def _sequence_features(runs: list[str | None], feats: list[dict[str, float]], core_start: int) -> None:
    """Features of the run a unit belongs to, repeating patterns, dates nearby, and the page-end cues
    passed since the core began."""
    kinds = [_kind(f) for f in feats]
    n = len(kinds)
    cues = 0
    for i, f in enumerate(feats):
        if _periodic(kinds, i):
            f["periodic"] = 1.0
            if kinds[i] == "P":
                f["periodic_prose"] = 1.0
        f["dates6"] = math.log1p(sum(kinds[j] == "D" for j in range(max(0, i - 6), min(n, i + 7)) if j != i))
        if runs[i] is not None:
            f["run=" + runs[i]] = 1.0
        if i > core_start:
            f["end_cues"] = math.log1p(cues)
        if i >= core_start and any(c in f for c in _END_CUES):
            cues += 1


def article_probabilities(units: list[str], reasons: list[str | None], model: PageModel,
                          hints: list[LineHints | None] | None = None) -> list[float]:
    """Probability that each unit is article text (body or in-article subheading)."""
    return model.probs(unit_features(units, reasons, hints), units)


_SUBHEADING_OK = ("heading",)


_SURE = 0.9  # model scores above which a bio or contributor cue does not outvote it


def _strong_cue(s: str) -> str | None:
    """Reasons that text cues alone settle: cookie notices, embedded-post signatures, subscription
    prompts, bios, contributor lines."""
    if len(s) <= 400 and re.search(r"\bcookies?\b", s, re.I) and _COOKIE.search(s.replace("cookie", "", 1)) is not None:
        return "cookie"
    if len(s) <= 300 and _EMBED.search(s):
        return "embed"
    if len(s) <= 400 and _PROMPT.search(s):
        return "promo"
    if len(s) <= 300 and _CONTRIB.search(s) and len(s.split()) <= 30:
        return "byline"
    if len(s) <= 300 and _BIO.search(s):
        return "bio"
    return None


def page_reason(s: str, rule: str | None, prob: float, model: PageModel, pull: bool = False,
                in_core: bool = False) -> str | None:
    """Final non-body reason of a unit of a web page (None: body).

    Article units the rules call headings are in-article ``subheading``s; other rule reasons stand
    unless the model is very sure the unit is article text. Units the model puts outside the
    article keep the rule's reason, else get one from text cues (``nav`` when none fits). A
    sentence repeated inside a longer unit is a ``pull_quote`` unless the model is sure of it.
    """
    rule = _rule(s, rule)
    strong = _strong_cue(s)
    if strong is not None and (strong in ("cookie", "embed", "promo") or prob < _SURE):
        return strong
    if pull and prob < _SURE:
        return "pull_quote"
    if prob >= model.cut(in_core):
        if rule in _SUBHEADING_OK:
            return "subheading" if prob >= model.sub_threshold else rule
        if rule is not None and prob < model.override:
            return rule
        return None
    if rule is not None:
        return rule
    if pull:
        return "pull_quote"
    if _COOKIE.search(s) and len(s) <= 600:
        return "cookie"
    if _EMBED.search(s):
        return "embed"
    if _CONTRIB.search(s):
        return "byline"
    if _BIO.search(s):
        return "bio"
    if _CREDIT.search(s):
        return "caption"
    if _RELATED.match(s):
        return "link_list"
    if _SHARE.match(s):
        return "ui"
    if _PROMO.search(s):
        return "promo"
    if _VIDEO.search(s) and len(s.split()) <= 12:
        return "video"
    return "nav"
