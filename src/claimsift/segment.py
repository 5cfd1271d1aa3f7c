"""Sentence segmentation for news and NGO prose, with non-body detection and quotation context.

``segment_document(text, doc_id)`` cuts a document into :class:`Segment` objects whose
``start``/``end`` offsets index ``text`` exactly (``text[start:end] == seg.text``). Every
non-whitespace character of the input lies in exactly one segment: nothing is dropped, page
noise is only flagged ``body=False`` with a ``reason``.

The core is plain ``re``/``str`` code (no model, no pySBD), about a few MB/s. It works in
three passes:

1. **Units.** The text is cut into lines. A line is its own unit (so a headline-style line
   without final punctuation is its own segment); a line that starts in lower case and follows
   a line without final punctuation is joined to it, and in hard-wrapped documents (most lines
   of a paragraph end mid-sentence) the lines of a paragraph are joined. Each unit is checked
   against the page-noise rules (heading, dateline, byline, caption, ad, link list, follow,
   video, correction, ...): a noise unit's segments are all ``body=False``.
2. **Sentences.** Inside a unit, candidate boundaries are ``. ! ? …`` (plus closing quotes
   and brackets) followed by whitespace. A candidate is kept unless the next word starts in
   lower case, it sits inside an open parenthesis, or the word before it is an abbreviation
   (titles such as Dr./Sen./Gov. never end a sentence; Jr./Inc./U.S./a.m. and initials end
   one only when a typical sentence opener follows; No./p./Art. before a number never do),
   decimals, URLs and e-mail addresses never offer a candidate (no whitespace after the dot).
   Inline enumerations (``1. ... 2. ...``, ``a. ... b. ...``) and bullets are cut too.
3. **Quotations.** Double quotation marks are tracked across the segments of a paragraph (and
   into the next paragraph when it re-opens the quote, as news style does). A segment that
   starts inside a quotation opened earlier gets ``in_quote=True``; all segments of a quotation
   get the speaker and cue of its attribution (``“...,” stated Julián G.``, ``one detainee
   stated: “...``, ``the minister said``); sentences of reported speech that name a source
   (``According to a former detainee, ...``; ``A nurse said ...``) get speaker and cue too.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import re
from array import array
from json.encoder import encode_basestring as _json_str  # json's own string encoder (ensure_ascii=False)
from typing import Iterable, Iterator
from dataclasses import dataclass

from claimsift.pagetext import LineHints, load_model, looks_like_page, page_reason, unit_features

__all__ = ["Segment", "segment_document", "iter_segments", "NON_BODY_REASONS"]

NON_BODY_REASONS = (
    "heading", "dateline", "byline", "caption", "ad", "link_list", "follow", "video",
    "correction", "editor_note", "promo", "copyright", "tags", "ui", "separator",
    "subheading", "pull_quote", "bio", "embed", "cookie", "nav",
)


@dataclass(frozen=True)
class Segment:
    doc: str
    index: int
    start: int
    end: int
    text: str
    body: bool = True
    reason: str | None = None
    in_quote: bool = False
    speaker: str | None = None
    cue: str | None = None

    def to_dict(self) -> dict:
        return {"doc": self.doc, "index": self.index, "start": self.start, "end": self.end,
                "text": self.text, "body": self.body, "reason": self.reason,
                "in_quote": self.in_quote, "speaker": self.speaker, "cue": self.cue}

    def to_json(self) -> str:
        """``json.dumps(self.to_dict(), ensure_ascii=False)``, written directly: the JSON encoder's
        per-call set-up costs several times the record itself when a document has millions."""
        return (f'{{"doc": {_json_str(self.doc)}, "index": {self.index:d}, "start": {self.start:d}, '
                f'"end": {self.end:d}, "text": {_json_str(self.text)}, "body": {_JSON_BOOL[self.body]}, '
                f'"reason": {_json_opt(self.reason)}, "in_quote": {_JSON_BOOL[self.in_quote]}, '
                f'"speaker": {_json_opt(self.speaker)}, "cue": {_json_opt(self.cue)}}}')


_JSON_BOOL = {True: "true", False: "false"}


def _json_opt(value: str | None) -> str:
    return "null" if value is None else _json_str(value)


# ---------------------------------------------------------------------------------------------
# character classes and word lists

def _class_from(pred, ranges) -> str:
    out, run = [], None
    for lo, hi in ranges:
        for cp in range(lo, hi):
            if pred(chr(cp)):
                if run and run[1] == cp - 1:
                    run[1] = cp
                else:
                    if run:
                        out.append(run)
                    run = [cp, cp]
    if run:
        out.append(run)
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in out)


_SCRIPTS = [(0x41, 0x250), (0x370, 0x530), (0x1E00, 0x2000)]
UP = _class_from(str.isupper, _SCRIPTS)

OPEN_Q = "“\"«„‟"          # characters that open a double quotation
CLOSE_Q = "”\"»"           # characters that close one (straight quotes toggle)
_OPENERS = "“\"‘'«„([{"    # opening punctuation skipped before the next word
_TERMINAL = ".!?…‽"
_CLOSERS = "”’\"'»)]}"

TITLES = frozenset("""mr mrs ms messrs mme mlle dr prof sen sens rep reps gov govs gen lt col capt
sgt cpl pvt adm cmdr maj brig rev hon pres supt det insp st mt ft msgr fr atty amb asst lieut
gov't cmdt adv cllr judge bgen mgen ltgen brig.gen""".split())
NUMBER_PREFIX = frozenset("""no nos nr nº n° p pp vol vols art arts fig figs sec secs ch chap
para paras pt pts op tel ext ed eds approx ca cl ex appx ref rm rs ksh kshs sh""".split())
TERMINAL_ABBR = frozenset("""jr sr inc ltd co corp llc plc bros etc al esq vs v cf ave blvd rd dept
univ assn est approx misc govt intl natl ph.d e.g i.e a.k.a u.s u.k u.n e.u d.c n.y l.a""".split())
MONTH_ABBR = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
DAY_ABBR = frozenset("mon tue tues wed thu thur thurs fri sat sun".split())
MONTHS = frozenset("""january february march april may june july august september october november
december""".split()) | MONTH_ABBR
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split()) | DAY_ABBR
TIMEZONES = frozenset("et est edt ct cst cdt mt mst mdt pt pst pdt gmt utc bst cet cest eet eest ist jst aest local".split())
STARTERS = frozenset("""a an the this that these those it its he she they we i you his her their our
my your there here but and or so yet nor if when while after before since although though as
in on at by for from with without of to into how what why where who whom whose which did do
does is are was were has have had will would can could should shall may might must many most
some all any each every no not one two three four five six seven eight nine ten several both
neither either none nobody nothing everyone everybody officials police authorities others
another such also then now still however meanwhile instead later earlier today yesterday
tomorrow last next according despite during under over until unless because once only just even
more less among between against about around across through without let let's it's that's
there's he's she's they're we're i'm i've we've don't doesn't didn't isn't wasn't aren't weren't
mr mrs ms dr sen gov rep gen president prime minister""".split())
PREPOSITIONS = frozenset("at by on until till before after around about from since in".split())
_LIST_MARKER_ONLY = re.compile(
    r"^(?:[•⁃▪‣◦*+\-–]\s*)?[(\[]?(?:\d{1,3}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,5})[.)\]]{1,2}$")
_DOTTED = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")
# A candidate boundary (groups 1, 2) and, looked ahead at, the opening punctuation and the word
# that follow it (groups 3, 4): one match per candidate instead of two.
_CAND = re.compile(r"(?<![.!?…‽])(\.(?:[ \u00a0]\.){2,3}+|[.!?…‽]++)([”’\"'»)\]}]*+)"
                   r"(?=\s+([“\"‘'«„(\[{]*)([^\s“\"‘'«„(\[{]*))")
# A unit that is only a list marker, "1.", "(a)", "• iv.", as ``_LIST_MARKER_ONLY`` matches it
# stripped, for ``match(u, pos, endpos)`` without slicing
_LIST_MARKER_SPAN = re.compile(
    r"\s*(?:[•⁃▪‣◦*+\-–]\s*)?[(\[]?(?:\d{1,3}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,5})[.)\]]{1,2}\s*\Z")
_BULLET_CUT = re.compile(r"(?<=\s)[•⁃▪‣◦►](?=\s|\d)")
_ENUM_START = re.compile(r"^[•⁃▪‣◦*+\-]?\s*(?:(\d{1,2})|([a-z]))(\.\)|\.|\))\s")
_ENUM_AFTER_COLON = re.compile(r"(?<=:)\s+(?:(1)|(a))(\.\)|\.|\))\s")
_CITATION = re.compile(r"\([^()\n]{1,60}\)[.,;:]")
_QUOTE_ATTR_AFTER_EXCL = re.compile(
    rf"[{UP}][\w’'\-]*(?:\s+[{UP}][\w’'\-.]*){{0,3}}\s+(?:said|says|asked|asks|cried|shouted|told|added|wrote|recalled)\b")


# ---------------------------------------------------------------------------------------------
# sentence boundaries inside one unit

_FIRST_WORD = re.compile(r"[\w’'\-.]*\w|\w")


def _first_word(word: str) -> str:
    m = _FIRST_WORD.match(word)
    return m.group(0) if m else word


@functools.lru_cache(maxsize=4096)  # the words after a boundary repeat: The, He, A., ...
def _is_starter(word: str) -> bool:
    w = _first_word(word).lower().rstrip(".")
    return w in STARTERS


_TOKEN_LEAD = _OPENERS + "-—–"
_ABBREVIATIONS = TITLES | NUMBER_PREFIX | MONTH_ABBR | DAY_ABBR | TERMINAL_ABBR | {"a.m", "p.m"}


def _upper_or_digit(ch: str) -> bool:
    return bool(ch) and (ch.isupper() or ch.isdigit() or not ch.isalpha())


def _decide(u: str, m: re.Match, sent_start: int, depth: int) -> int | None:
    """Return the cut position for candidate ``m`` (of ``_CAND``) in unit ``u``, or None for no cut."""
    m_start, m_end = m.span()
    if m_end - sent_start <= 16 and _LIST_MARKER_SPAN.match(u, sent_start, m_end):
        return None  # the sentence so far is a list marker (every test before this one says None too)
    term, close, opener, word = m.group(1, 2, 3, 4)
    if not word and not opener:
        return None
    ch = word[:1] if word else ""
    if ch and (ch.islower() or ch in ".…"):
        return None
    if not word and opener:  # opener followed by whitespace: treat as boundary-neutral
        ch = opener[-1]
    if depth > 0:
        close_at = u.find(")", m_end, m_end + 300)
        if close_at != -1:
            return None
    if opener.startswith("(") and _CITATION.match(u, m.start(3)):
        return None
    if " " in term or "\u00a0" in term:  # spaced ellipsis ". . ." / ". . . ."
        if m_start > 0 and not u[m_start - 1].isspace():  # attached to the word before
            return m_start + 1 if (ch.isupper() or ch.isdigit()) else None
        if term.count(".") >= 4 and _upper_or_digit(ch):
            return m_end
        return None
    if "!" in term or "?" in term or "‽" in term:
        if close and any(q in close for q in "”\"'’") and _QUOTE_ATTR_AFTER_EXCL.match(u, m.start(4)):
            return None
        return m_end
    if "…" in term or len(term) > 1:  # ellipsis
        if _first_word(word) in ("I", "I’m", "I'm", "I’ve", "I've", "I’d", "I'd", "I’ll", "I'll"):
            return None  # "I don’t know... I just don’t know": a trailing-off pause, not an end
        return m_end if _upper_or_digit(ch) else None
    # a single period
    if close:
        return m_end
    before = u[max(sent_start, m_start - 60):m_start]
    # the trailing run of non-whitespace, as ``(\S+)$`` finds it ($ also matches before a final
    # newline), without a regex scan of the window
    if before.endswith("\n"):
        before = before[:-1]
    tok = before.rsplit(None, 1)[-1] if before and not before[-1].isspace() else ""
    core = tok.lstrip(_TOKEN_LEAD)
    low = core.lower()
    if "/" in low:
        low = low.rsplit("/", 1)[-1]   # "P/BGEN." -> "bgen"
    if not core:
        return m_end
    if low not in _ABBREVIATIONS and "." not in core and not (len(core) == 1 and core.isalpha() and core.isupper()):
        return m_end  # an ordinary word: none of the tests below can hold
    if low in TITLES and core[:1].isupper():
        return None
    if ch.isdigit() and (low in NUMBER_PREFIX or low in MONTH_ABBR):
        return None
    if len(core) == 1 and core.isalpha() and core.isupper():  # initial: "Julián G." / "you and I."
        return m_end if (_is_starter(word) or opener) else None
    if low in ("a.m", "p.m"):
        nxt = _first_word(word).lower().rstrip(".")
        if nxt in WEEKDAYS or nxt in MONTHS or nxt in TIMEZONES:
            return None
        words = u[sent_start:m_end][:60].split()
        if len(words) <= 4 and words and words[0].lower() in PREPOSITIONS:
            return None
        return m_end
    if low in MONTH_ABBR or low in DAY_ABBR:
        return m_end if (_is_starter(word) or opener) else None
    if low in TERMINAL_ABBR or _DOTTED.match(core) or low in NUMBER_PREFIX:
        return m_end if (_is_starter(word) or opener) and not ch.isdigit() else None
    return m_end


def _sentence_cuts(u: str) -> list[int]:
    """Cut positions (relative to ``u``) between sentences of one unit."""
    return list(_iter_sentence_cuts(u))


def _iter_sentence_cuts(u: str) -> Iterator[int]:
    """``_sentence_cuts`` lazily, in increasing order: a 10 MB line can hold millions of cuts."""
    cuts: list[int] = []
    # inline enumerations "1. x 2. y" / "a) x b) y" and bullets
    em = _ENUM_START.match(u)
    if em is None and ":" in u:
        em = _ENUM_AFTER_COLON.search(u)
        if em is not None:
            cuts.append(em.start(1) if em.group(1) else em.start(2))
    if em:
        num, alpha, sty = em.group(1), em.group(2), em.group(3)
        pos = em.end()
        val = int(num) if num else ord(alpha)
        while True:
            val += 1
            label = str(val) if num else chr(val)
            if not num and val > ord("z"):
                break
            hit = re.compile(r"(?<=\s)(?:[•⁃▪‣◦*+\-]\s*)?" + re.escape(label) + re.escape(sty) + r"\s").search(u, pos)
            if not hit:
                break
            cuts.append(hit.start())
            pos = hit.end()
    bullet = None if u.isascii() else _BULLET_CUT.search(u)  # the bullets are not ASCII
    if not cuts and bullet is None:
        return _candidate_cuts(u, cuts)  # nothing to merge (the common case: most units)
    if bullet is not None:
        cuts.extend(bm.start() for bm in _BULLET_CUT.finditer(u, bullet.start()))
    cut_set = sorted(set(cuts))
    return _merged_cuts(cut_set, _candidate_cuts(u, cut_set))


def _merged_cuts(cut_set: list[int], candidates: Iterator[int]) -> Iterator[int]:
    last_cut = None
    # one cut per candidate, candidates in order: strictly increasing, so a merge keeps order
    for c in heapq.merge(cut_set, candidates):
        if c != last_cut:
            yield c
            last_cut = c


def _candidate_cuts(u: str, cut_set: list[int]) -> Iterator[int]:
    """The cuts at ``. ! ? …`` candidates that ``_decide`` keeps, in order."""
    sent_start = 0
    depth = 0
    last = 0
    ci = 0
    parens = "(" in u  # without one, depth stays 0
    for m in _CAND.finditer(u):
        # advance over enumeration/bullet cuts that lie before this candidate
        while ci < len(cut_set) and cut_set[ci] <= m.start():
            sent_start = cut_set[ci]
            ci += 1
        if parens:
            end = m.end()
            depth = max(0, depth + u.count("(", last, end) - u.count(")", last, end))
            last = end
        cut = _decide(u, m, sent_start, depth)
        if cut is not None:
            yield cut
            sent_start = cut
            depth = 0


# ---------------------------------------------------------------------------------------------
# non-body (page noise) rules, applied to whole units

def _ci(p: str) -> re.Pattern:
    return re.compile(p, re.IGNORECASE)


_MD_HEADING = re.compile(r"^#{1,6}(?:\s|$)")
_BOLD_LINE = re.compile(r"^(\*\*|__)[^*_]+\1:?$")
_SEPARATOR = re.compile(r"^(?:[-*_=~•·]\s*){3,}$")
_LIST_ITEM = re.compile(r"^(?:[-*+•▪►›»‣◦⁃–]|\d{1,3}[.)])\s+")
_AD = _ci(r"^(?:ad|ads|advert|advertisement|advertising|sponsored(?: content| post| links?)?|paid (?:post|content|partner content)"
          r"|promoted(?: content| stories)?|story continues (?:below|after) (?:this |the )?(?:advertisement|ad)"
          r"|article continues (?:below|after) (?:this |the )?(?:advertisement|ad)|continue reading(?: (?:below|the main story))?"
          r"|skip advertisement|scroll to continue(?: with content)?|remove ads?|ad feedback|report this ad)\W*$")
_LINK_HEAD = _ci(r"^(?:read (?:more|also|next|this next)|also read|more reading|further reading|related(?: stories| articles| coverage| content| links| reading| news)?"
                 r"|see also|more (?:from|on) [\w’'&. -]{1,40}|more (?:stories|coverage|news)|recommended(?: for you| stories| reading| articles)?"
                 r"|you (?:may|might) (?:also )?(?:like|be interested in|have missed)|most (?:read|popular|viewed)|trending(?: now| stories)?"
                 r"|what to read next|keep reading|top stories|latest(?: news| stories)?|in other news|don[’']t miss|editor[’']s picks"
                 r"|more in [\w’'&. -]{1,40}|also on [\w’'&. -]{1,40})\s*[:：]?\s*$")
_LINK_INLINE = re.compile(r"^(?:READ(?: MORE| ALSO| NEXT)?|RELATED|ALSO READ|SEE ALSO|MORE|LISTEN|Read(?: more| also| next)?|Related|Also read|See also"
                          r"|Related coverage|Related story|More coverage)\s*[:：|]\s*\S")
_MD_LINK_LINE = re.compile(r"^(?:[-*+•]\s+)?\[[^\]]+\]\([^)\s]+\)\W*$")
_URL_LINE = re.compile(r"^(?:[-*+•]\s+)?(?:https?://|www\.)\S+$")
_FOLLOW = _ci(r"^follow\b(?:(?!\b(?:the money|suit|orders|the rules|through|up)\b).){0,160}"
              r"(?:coverage|stories|updates|reporting|report|news|live|\bus\b|\bour\b|@|https?://|\bon (?:twitter|x|facebook|instagram|bluesky|threads|telegram|whatsapp|tiktok|linkedin|youtube|mastodon|google news)\b)")
_PROMO = _ci(r"^(?:sign up\b|subscribe\b|get (?:our|the) [\w ]{0,30}newsletter|share (?:this|on|via)\b|click here\b|download (?:the|our) app"
             r"|support (?:our|independent|us)\b|donate\b|join (?:us|our)\b|newsletter\b|get the latest\b|enter your email|we rely on readers"
             r"|become a (?:member|subscriber)|already a subscriber)")
_VIDEO = _ci(r"^(?:(?:watch|video|watch video|watch live|live video|play video|now playing|up next|listen|audio|podcast)\s*[:：|—–]"
             r"|(?:play|replay|pause|video|watch|watch more|watch now|watch the video|now playing|up next|video player is loading\.?"
             r"|duration\b.{0,20}|\d{1,2}:\d{2}(?::\d{2})?|loaded:? ?\d+(?:\.\d+)?%|this video (?:can ?not|cannot) be played.*|video unavailable.*"
             r"|click to play.*|media caption.*|autoplay.*|current time.{0,20}|\d{1,2}:\d{2} / \d{1,2}:\d{2})\W*$)")
_CAPTION = re.compile(
    r"^(?:FILE\s*[-–—:]|FILE PHOTO\b|In this (?:[\w,.\- ]{0,40}?)(?:photo|image|picture|frame grab|video grab|handout)\b|IN THIS (?:PHOTO|IMAGE)"
    r"|(?:Photo|Photograph|Picture|Image|Photo credit|Image credit|Caption|Pictured|Credit|Illustration|Graphic|Source|Photos?)\s*[:：]"
    r"|\((?:AP |Reuters |AFP )?Photo\b|Photo by\b|Photograph by\b|!\[[^\]]*\]\([^)]*\))", re.IGNORECASE)
_CAPTION_END = re.compile(
    r"\((?:AP|AFP|EPA|Reuters|Getty|Photo|AP Photo|Reuters Photo|Getty Images|AFP via Getty Images|courtesy)[^()]{0,80}\)\.?\s*$"
    r"|(?:/|\|)\s*(?:Getty Images|AFP|Reuters|AP|Shutterstock|EPA)[^.]{0,40}$|\b(?:Getty Images|Shutterstock)\s*$")
_CORRECTION = _ci(r"^(?:corrections?|clarifications?|erratum)\s*[:：(—–-]|^(?:this (?:story|article|report|post|piece|item) (?:has been|was|is) "
                  r"(?:corrected|updated to correct|amended|changed to correct|clarified))|^(?:an|a) (?:earlier|previous) version of this "
                  r"(?:story|article|report|post|piece)")
_EDITOR_NOTE = _ci(r"^(?:editor[’']?s[’']? note|ed\.? note|note to readers|note from the editors?)\s*[:：(—–-]")
_COPYRIGHT = _ci(r"^(?:©|\(c\)\s|copyright\b)|all rights reserved|this material may not be published, broadcast")
_TAGS = _ci(r"^(?:tags|topics|filed under|categories|keywords|more about)\s*[:：]")
_UI = _ci(r"^(?:share|tweet|e-?mail|print|comments?|\d+ comments?|save|saved|facebook|twitter|whatsapp|linkedin|copy link|link copied"
          r"|listen(?: to this article)?|\d+ min(?:ute)?s? read|menu|search|close|home|log ?in|sign in|more|back to top|top|gift this article"
          r"|toggle .{0,30}|skip to (?:main )?content|expand|collapse|show more|load more|view comments|open in app|reuse this content)\W*$")
_BYLINE = re.compile(r"^(?:by|BY|By|Written by|Reporting by|Story by|Words by|Text by|Author|Authors|Reported by|Compiled by|Interview by)\s*[:：]?\s+(?P<rest>.+)$")
_CREDIT_TRAILER = _ci(r"^(?:\(?\s*)?(?:reporting by|additional reporting by|editing by|writing by|compiled by|with reporting by)\b")
_DATE_TOKEN = _ci(
    r"(?:published|updated|posted|last|first|modified|date|on|at|and|-|–|—|\||·|•|,|:|\d{4}-\d{2}-\d{2}(?:t[\d:+z.-]*)?"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?|\d{4},?|\d{1,2}(?:st|nd|rd|th)?,?"
    r"|a\.?m\.?|p\.?m\.?|hrs|gmt[+-]?\d*|utc[+-]?\d*|"
    + "|".join(sorted(TIMEZONES - {"local"})) + "|local|time|"
    + "|".join(sorted(MONTHS | WEEKDAYS, key=len, reverse=True)) + r")\.?,?")
_DATE_CORE = _ci(r"\d{4}|\d{1,2}:\d{2}|\b(?:" + "|".join(sorted(MONTHS - {"may", "mar"}, key=len, reverse=True)) + r"|may|mar)\b")
_DATELINE_PREFIX = re.compile(
    rf"^(?P<dl>(?:[{UP}][{UP}.'’\-]+(?:[ ][{UP}][{UP}.'’\-]+)*|[{UP}][\w.'’\-]+(?:[ ][{UP}][\w.'’\-]+){{0,3}}(?=,[^\n]{{0,60}}?\((?:AP|Reuters|AFP|UPI|CNN|IPS|dpa|Xinhua|Bloomberg|The Conversation)\)))"
    rf"(?:,[ ][{UP}][\w.'’\-]*(?:[ ][{UP}][\w.'’\-]*){{0,3}})?"
    rf"(?:,?[ ](?:{'|'.join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))})\.?[ ]\d{{1,2}}(?:,[ ]\d{{4}})?)?"
    r"(?:[ ]?\((?:AP|Reuters|AFP|UPI|CNN|IPS|dpa|Xinhua|Bloomberg|The Conversation|[A-Z]{2,8})\))?"
    r"[ ]?(?:—|–|--|-)(?=[ ]))[ ]+(?=\S)")
_TERM_END = re.compile(r"[.!?…‽][”’\"'»)\]}*_]*$")


_BLOCKQUOTE = re.compile(r"^(?:>\s*)+")


def _strip_md(line: str) -> str:
    s = line.strip()
    return _BLOCKQUOTE.sub("", s) if s[:1] == ">" else s


def _words(s: str) -> list[str]:
    return s.split()


def _is_dateline_line(s: str) -> bool:
    if len(s) > 120 or not _DATE_CORE.search(s):
        return False
    rest = s
    pos = 0
    n = 0
    while pos < len(rest):
        while pos < len(rest) and rest[pos].isspace():
            pos += 1
        if pos >= len(rest):
            break
        m = _DATE_TOKEN.match(rest, pos)
        if not m or m.end() == pos:
            return False
        # the token must end at a word boundary
        if m.end() < len(rest) and rest[m.end()].isalnum() and rest[m.end() - 1].isalnum():
            return False
        pos = m.end()
        n += 1
    return n > 0


def _is_byline(s: str) -> bool:
    if _CREDIT_TRAILER.match(s):
        return True
    m = _BYLINE.match(s)
    if not m:
        return False
    rest = m.group("rest").strip()
    # maxsplit: only "more than 16" matters, and a 10 MB line must not become millions of words
    words = rest.replace("|", " ").replace(",", " ").replace(";", " ").split(None, 17)
    if not words or len(words) > 16:
        return False
    if not (words[0][:1].isupper() or words[0].lower() == "the"):
        return False
    if _TERM_END.search(rest) and not re.search(r"(?:\b[A-Z]\.|Jr\.|Sr\.|Inc\.|Press\.|\bAP\.)$", rest):
        return False
    connectors = {"and", "the", "of", "for", "in", "&", "|", "-", "—", "–", "·", "de", "da", "van", "von", "staff", "reporter",
                  "correspondent", "writer", "editor", "published", "updated", "at", "on", "with", "by", "press", "news", "am", "pm"}
    capish = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit() or w.lower() in connectors or not w[:1].isalpha())
    return capish >= 0.75 * len(words)


def _heading_like(s: str) -> bool:
    """A short line with no final punctuation (and not a list item or a continuation)."""
    if not s or _TERM_END.search(s) or s[-1] in ",;:(—–-&" or _LIST_ITEM.match(s):
        return False
    words = s.split(None, 20)  # counts up to 21: a 10 MB line is not split into millions of words
    return len(words) <= 20


def _classify_unit(s: str, prev_reason: str | None, in_link_list: bool) -> str | None:
    """Non-body reason of a stripped unit text, or None when it is body text."""
    if _SEPARATOR.match(s):
        return "separator"
    if _MD_HEADING.match(s) or _BOLD_LINE.match(s):
        return "heading"
    if _AD.match(s):
        return "ad"
    if _LINK_HEAD.match(s) or _LINK_INLINE.match(s):
        return "link_list"
    if in_link_list:
        if _LIST_ITEM.match(s) or _MD_LINK_LINE.match(s) or _URL_LINE.match(s):
            return "link_list"
        if not _TERM_END.search(s) and len(s.split(None, 25)) <= 25:
            return "link_list"
        if s.endswith("?") and len(s.split(None, 16)) <= 16:
            return "link_list"
    if _MD_LINK_LINE.match(s) or _URL_LINE.match(s):
        return "link_list"
    if _CORRECTION.match(s):
        return "correction"
    if _EDITOR_NOTE.match(s):
        return "editor_note"
    if _CAPTION.match(s) or (len(s) < 400 and _CAPTION_END.search(s)):
        return "caption"
    if _VIDEO.match(s):
        return "video"
    if len(s) <= 300 and _FOLLOW.match(s):
        return "follow"
    if len(s) <= 300 and _PROMO.match(s):
        return "promo"
    if len(s) <= 400 and _COPYRIGHT.search(s):
        return "copyright"
    if _TAGS.match(s):
        return "tags"
    if len(s) <= 40 and _UI.match(s):
        return "ui"
    if _is_byline(s):
        return "byline"
    if _is_dateline_line(s):
        return "dateline"
    if _heading_like(s):
        return "heading"
    return None


# ---------------------------------------------------------------------------------------------
# units: lines, joined where a line break does not end a sentence

def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line, lazily: a million short lines are never held as a list."""
    pos, n = 0, len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl
        yield pos, end
        if nl == -1:
            break
        pos = nl + 1


def _is_wrapped(text: str, lines: Iterable[tuple[int, int]]) -> bool:
    followed = open_end = 0
    prev = None
    for s2, e2 in lines:
        b = text[s2:e2].strip()
        a, prev = prev, b
        if not a or not b:
            continue
        followed += 1
        if 30 <= len(a) <= 110 and a[-1] not in ":" and not _TERM_END.search(a) and not _LIST_ITEM.match(b):
            open_end += 1
    return open_end >= 3 and open_end >= 0.4 * followed


_DANGLING = re.compile(r"(?:,|\b(?:and|or|but|nor|the|a|an|of|to|in|for|with|between|by|on|at|from|that|which|who|whose|"
                       r"than|as|into|onto|about|against|under|over|its|their|his|her|our|your|this|these|those|is|are|was|were|"
                       r"has|have|had|be|been|said|says|told|would|will|could|should|not))$")


class _Wrapped:
    """``_is_wrapped(text)``, computed the first time it is asked (as ``bool(...)``), then kept: a
    pass over every line that short lines never need, and that every pass over the units shares."""

    __slots__ = ("text", "value")

    def __init__(self, text: str):
        self.text, self.value = text, None

    def __bool__(self) -> bool:
        if self.value is None:
            self.value = _is_wrapped(self.text, _line_spans(self.text))
        return self.value


def _units(text: str, wrapped: _Wrapped | None = None) -> Iterator[tuple[int, int, bool]]:
    """(start, end, paragraph_start) of each unit, lazily; whitespace-only lines are skipped.

    ``wrapped``: the text's ``_Wrapped``, when the caller has one to share.
    """
    if wrapped is None:
        wrapped = _Wrapped(text)
    cur: list | None = None  # the unit being built: [start, end, paragraph_start, first line, last line]
    prev_blank = True
    for s, e in _line_spans(text):
        stripped = text[s:e].strip()
        if not stripped:
            prev_blank = True
            continue
        join = False
        if cur is not None and not prev_blank:
            # The cheap tests first: most lines end a sentence and start a new unit.
            first_line, last_line = cur[3], cur[4]
            if _TERM_END.search(last_line):
                join = bool(len(last_line) >= 50 and wrapped and not _LIST_ITEM.match(first_line)
                            and _classify_unit(stripped, None, False) is None and not _structural(stripped, first_line))
            elif last_line[-1:] != ":":
                join = bool(stripped[:1].islower() or _DANGLING.search(last_line[-40:])
                            or (len(last_line) >= 30 and wrapped
                                and _classify_unit(stripped, None, False) in (None, "heading"))
                            ) and not _structural(stripped, first_line)
        if join:
            cur[1] = e
            cur[4] = stripped
        else:
            if cur is not None:
                yield cur[0], cur[1], cur[2]
            cur = [s, e, prev_blank, stripped, stripped]
        prev_blank = False
    if cur is not None:
        yield cur[0], cur[1], cur[2]


def _structural(line: str, unit_first_line: str) -> bool:
    """Whether ``line`` (or the unit it would join) is Markdown structure that never joins."""
    return bool(_LIST_ITEM.match(line) or _MD_HEADING.match(line) or _SEPARATOR.match(line)
                or _MD_HEADING.match(unit_first_line) or _SEPARATOR.match(unit_first_line))


# ---------------------------------------------------------------------------------------------
# attribution

CUE_VERBS = ("said", "says", "say", "stated", "states", "state", "told", "tells", "added", "adds", "explained",
             "explains", "recalled", "recalls", "recounted", "recounts", "described", "describes", "testified",
             "testifies", "wrote", "writes", "claimed", "claims", "alleged", "alleges", "insisted", "insists",
             "noted", "notes", "argued", "argues", "warned", "warns", "asked", "asks", "replied", "replies",
             "continued", "continues", "reported", "reports", "confirmed", "confirms", "declared", "declares",
             "announced", "announces", "acknowledged", "acknowledges", "denied", "denies", "admitted", "admits",
             "remembered", "remembers", "shouted", "cried", "whispered", "concluded", "concludes", "observed",
             "observes", "complained", "complains", "posted", "tweeted", "wrote", "told reporters", "said in a statement",
             "reads", "read", "found", "finds", "adding", "saying", "according to")
_CUE = "(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in sorted(set(CUE_VERBS), key=len, reverse=True)) + r")\b"
_NAME = (rf"(?:[{UP}][\w’'\-]*\.?|[{UP}]\.)(?:\s+(?:(?:de|del|da|dos|van|von|bin|al|el|la|le|ibn|ben)\s+)?"
         rf"(?:[{UP}][\w’'\-]*\.?|[{UP}]\.))*")
_NP = (rf"(?:(?i:the|a|an|one|another|two|three|several|some|many|his|her|their|its|our|this|that)\s+"
       rf"(?:[\w’'\-]+\s+){{0,3}}?[\w’'\-]+(?:\s+(?:of|for|at|in|from|with)\s+(?:the\s+)?(?:{_NAME}|[\w’'\-]+))?|{_NAME})")
_PRONOUNS = frozenset("he she they i we it you".split())
_AFTER_CUE_FIRST = re.compile(rf"^[\s,.;:!?…]*(?:(?:he|she|they|it|we|i)\s+)?(?P<cue>{_CUE})\s+(?P<spk>{_NP})")
_AFTER_NP_FIRST = re.compile(rf"^[\s,;:!?…]*(?P<spk>{_NP}|he|she|they|we|i|it)\s+(?:also\s+|later\s+|then\s+)?(?P<cue>{_CUE})")
_BEFORE = re.compile(rf"(?P<spk>{_NP}|[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I)\s+(?:also\s+|later\s+|then\s+|has\s+|have\s+|had\s+)?(?P<cue>{_CUE})"
                     rf"(?:\s+(?:that|of|to\s+\w+))?\s*[,:]?\s*$")
_ACCORDING = re.compile(rf"\b(?P<cue>[Aa]ccording\s+to)\s+(?P<spk>(?:[^,;:.“”\"()\s]|\s(?!\s)|(?<=\b[{UP}])\.){{2,80}}?)(?=\s*(?:[,;:.“”\"()]|$))")
_SENT_INITIAL = re.compile(rf"^(?:[A-Z]\w+ly,?\s+|As\s+)?(?P<spk>{_NP}|He|She|They|We|I)\s+(?:also\s+|later\s+|has\s+|had\s+|have\s+)?(?P<cue>{_CUE})"
                           r"(?=\s+(?:that\s+)?[\w“\"‘]|[,:])")
_SENT_TRAILING = re.compile(rf",\s*(?:(?P<cue1>{_CUE})\s+(?P<spk1>{_NP})|(?P<spk2>{_NP}|he|she|they|we|I)\s+(?P<cue2>{_CUE}))"
                            r"(?:\s+[\w’'\-]+){0,6}[.!?]?[”’\"']?$")
_WORD = re.compile(r"[a-z]+")
_CUE_FIRST = frozenset(c.split()[0] for c in CUE_VERBS)
_QUOTE_CHAR = re.compile("[" + re.escape("".join(sorted(set(OPEN_Q + CLOSE_Q)))) + "]")
_LEADING_NOISE = frozenset("notably also meanwhile however but and later earlier".split())


def _clean_speaker(spk: str | None) -> str | None:
    if not spk:
        return None
    spk = spk.strip().strip(",;:")
    words = spk.split()
    while words and words[0].lower() in _LEADING_NOISE:
        words = words[1:]
    if not words:
        return None
    if words[-1].endswith(".") and not re.fullmatch(rf"[{UP}]\.|(?:[A-Za-z]\.){{2,}}|Jr\.|Sr\.", words[-1]):
        words[-1] = words[-1].rstrip(".")
    spk = " ".join(words)
    if spk.lower() in _PRONOUNS:
        return None
    return spk or None


def _norm_cue(cue: str | None) -> str | None:
    return re.sub(r"\s+", " ", cue).lower() if cue else None


def _attr_after(tail: str):
    m = _AFTER_CUE_FIRST.match(tail)
    if m:
        return _clean_speaker(m.group("spk")), _norm_cue(m.group("cue"))
    m = _AFTER_NP_FIRST.match(tail)
    if m:
        return _clean_speaker(m.group("spk")), _norm_cue(m.group("cue"))
    return None


class _CueWords:
    """The cue-word tokens of one segment, found once, so that the check made for each of its
    quotations is a bisect instead of a scan (quotation-dense text stays linear)."""

    def __init__(self, text: str, start: int, end: int):
        self.start = start
        self.lowered = text[start:end].lower()
        # lower() can lengthen a few characters (İ -> i̇); offsets then differ, so fall back
        self.exact = len(self.lowered) == end - start
        self.starts = [m.start() for m in _WORD.finditer(self.lowered) if m.group() in _CUE_FIRST] if self.exact else []

    def any_in(self, text: str, a: int, b: int) -> bool:
        """Whether ``text[a:b].lower()`` has a cue word among its ``[a-z]+`` tokens, where
        ``text[b]`` is a quotation mark (so no token runs past ``b``)."""
        if not self.exact:
            return not _CUE_FIRST.isdisjoint(_WORD.findall(text[a:b].lower()))
        ra, rb = a - self.start, b - self.start
        m = _WORD.match(self.lowered, ra, rb)  # the token the window cuts at its start
        if m and m.group() in _CUE_FIRST:
            return True
        i = bisect.bisect_right(self.starts, ra)
        return i < len(self.starts) and self.starts[i] < rb


def _attr_before(text: str, start: int, end: int, cues: _CueWords | None = None):
    """Attribution just before a quotation opening at ``end``, in ``text[start:end]``.

    Looks at the last 160 characters only and never slices the whole head, so a segment with
    many quotations stays linear. ``cues`` is the segment's cue-word index (built if None).
    """
    a = max(start, end - 160)
    # Both patterns need a cue word in the window; checking for one first skips the costly
    # searches on quotation-dense text (one search per quotation).
    if cues is None:
        cues = _CueWords(text, start, end)
    if not cues.any_in(text, a, end):
        return None
    window = text[a:end]
    lowered = window.lower()
    m = _BEFORE.search(window)
    if m:
        return _clean_speaker(m.group("spk")), _norm_cue(m.group("cue"))
    m = _ACCORDING.search(window) if "according" in lowered else None
    # As before: nothing but " ,:" may follow from offset m.end() *of the whole head* to the
    # quotation. The last other character lies within the window (the match itself is one), so
    # the backward scan is short.
    if m:
        last = end - 1
        while last >= start and text[last] in " ,:":
            last -= 1
        if last < start + m.end():
            return _clean_speaker(m.group("spk")), _norm_cue(m.group("cue"))
    return None


def _attr_sentence(s: str):
    """Attribution of reported speech in a sentence that is not a quotation."""
    if _CUE_FIRST.isdisjoint(_WORD.findall(s.lower())):
        return None
    m = _ACCORDING.search(s)
    if m:
        return _clean_speaker(m.group("spk")), "according to"
    m = _SENT_INITIAL.match(s[:240])
    if m:
        return _clean_speaker(m.group("spk")), _norm_cue(m.group("cue"))
    m = _SENT_TRAILING.search(s[-240:])
    if m:
        spk = m.group("spk1") or m.group("spk2")
        return _clean_speaker(spk), _norm_cue(m.group("cue1") or m.group("cue2"))
    return None


# ---------------------------------------------------------------------------------------------
# the document pass

def segment_document(text: str, doc_id: str = "doc", hints: list[LineHints] | None = None) -> list[Segment]:
    """Cut ``text`` into sentence segments (see the module docstring).

    ``hints`` (one per line of ``text``, from :func:`claimsift.webpage.extract_page`) mark text
    extracted from an HTML page: its units are then also weighed by the page model. Plain text
    is weighed by the page model only when it looks like a copied web page.
    """
    return list(iter_segments(text, doc_id, hints))


def iter_segments(text: str, doc_id: str = "doc", hints: list[LineHints] | None = None) -> Iterator[Segment]:
    """The segments of ``segment_document``, one at a time, in order.

    Time is linear in ``len(text)``. For ordinary text, memory beyond the text is bounded by the
    longest stretch of open quotation (a segment is given out as soon as no quotation touching it
    is open), so a 10 MB input can be streamed; HTML pages and copied page text are first weighed
    unit by unit by the page model (one extra pass, one reason per unit kept).
    """
    reasons = None
    wrapped = _Wrapped(text)  # shared by the passes over the units
    if hints is not None or _copied_page(text, wrapped):
        units = list(_units(text, wrapped))
        reasons = _page_reasons(text, units, rule_reasons(text, units), hints)
    return _with_quotes(text, _raw_segments(text, reasons, wrapped), doc_id)


_object_new = object.__new__
_object_setattr = object.__setattr__


def _new_segment(doc: str, index: int, start: int, end: int, text: str, body: bool, reason: str | None,
                 in_quote: bool, speaker: str | None, cue: str | None) -> Segment:
    """``Segment(...)`` without the frozen dataclass's ten ``object.__setattr__`` calls (less than
    half the cost; the result is an ordinary, equal, still frozen ``Segment``)."""
    seg = _object_new(Segment)
    _object_setattr(seg, "__dict__", {"doc": doc, "index": index, "start": start, "end": end, "text": text,
                                      "body": body, "reason": reason, "in_quote": in_quote, "speaker": speaker,
                                      "cue": cue})
    return seg


# A pure function of its arguments; repeated lines (page boilerplate, a million identical short
# lines) are classified once.
_classify_unit_cached = functools.lru_cache(maxsize=4096)(_classify_unit)


MAX_PAGE_UNITS = 20_000
"""Plain text with more lines than this is never weighed as a copied web page: real pages have a
few thousand at most, and the page model holds features for every unit (memory stays bounded on
a million short lines)."""


def _copied_page(text: str, wrapped: _Wrapped | None = None) -> bool:
    """Strong evidence that plain ``text`` is a copied web page (see ``pagetext.looks_like_page``)."""
    units = _units(text, wrapped)
    head = list(itertools.islice((_strip_md(text[us:ue].strip()) for us, ue, _p in units), MAX_PAGE_UNITS + 1))
    return len(head) <= MAX_PAGE_UNITS and looks_like_page(head)


def _raw_segments(text: str, reasons: list[str | None] | None = None,
                  wrapped: _Wrapped | None = None) -> Iterator[tuple[int, int, str | None, int, bool, str]]:
    """(start, end, reason, unit_no, para_start, text) of each segment, before quotation context.

    ``reasons`` (one per unit, from the page model) replaces the text rules when given.
    """
    in_link_list = False
    prev_reason = None
    for unit_no, (us, ue, para_start) in enumerate(_units(text, wrapped)):
        u = text[us:ue]
        stripped = u.strip()
        if reasons is not None:
            reason = reasons[unit_no]
        else:
            reason = _classify_unit_cached(_strip_md(stripped), prev_reason, in_link_list)
            if reason == "link_list":
                in_link_list = True
            elif reason is None or reason not in ("heading", "ad", "video", "ui", "separator"):
                in_link_list = False
            prev_reason = reason
        offset = 0
        if reason is None:
            # A dateline is short; on a whole 10 MB line the pattern's nested repetition would
            # hold hundreds of MB of backtracking state ("A. A. A. ...").
            dm = _DATELINE_PREFIX.match(u.lstrip()[:1000])
            if dm:
                lead = len(u) - len(u.lstrip())
                dl_end = lead + dm.end("dl")
                yield us + lead, us + dl_end, "dateline", unit_no, para_start, u[lead:dl_end]
                offset = dl_end
        body_part = u[offset:] if offset else u
        cuts = _iter_sentence_cuts(body_part)
        first = next(cuts, None)
        if first is None and not offset:  # one sentence, the whole unit (most units): no slicing
            if stripped:
                start = us + len(u) - len(u.lstrip())
                yield start, start + len(stripped), reason, unit_no, para_start, stripped
            continue
        prev_cut = 0
        for cut in itertools.chain(() if first is None else (first,), cuts, (len(body_part),)):
            a, b, prev_cut = prev_cut, cut, cut
            piece = body_part[a:b]
            st = piece.strip()
            if not st:
                continue
            lead = len(piece) - len(piece.lstrip())
            start = us + offset + a + lead
            yield start, start + len(st), reason, unit_no, para_start, st


def rule_reasons(text: str, units: list[tuple[int, int, bool]]) -> list[str | None]:
    """The non-body reason the text rules give each unit (None: body), in document order."""
    reasons: list[str | None] = []
    in_link_list = False
    prev_reason = None
    for us, ue, _para in units:
        reason = _classify_unit(_strip_md(text[us:ue].strip()), prev_reason, in_link_list)
        if reason == "link_list":
            in_link_list = True
        elif reason is None or reason not in ("heading", "ad", "video", "ui", "separator"):
            in_link_list = False
        prev_reason = reason
        reasons.append(reason)
    return reasons


def page_units(text: str, hints: list[LineHints] | None = None):
    """(unit texts, rule reasons, unit hints) of ``text``: what the page model sees (also used to train it)."""
    units = list(_units(text))
    unit_texts = [_strip_md(text[us:ue].strip()) for us, ue, _p in units]
    unit_hints = None
    if hints is not None:
        line_starts = [s for s, _e in _line_spans(text)]
        unit_hints = []
        for us, _ue, _p in units:
            i = bisect.bisect_right(line_starts, us) - 1
            unit_hints.append(hints[i] if 0 <= i < len(hints) else None)
    return unit_texts, rule_reasons(text, units), unit_hints


def _page_reasons(text: str, units: list[tuple[int, int, bool]], reasons: list[str | None],
                  hints: list[LineHints] | None) -> list[str | None]:
    """Reasons revised by the page model for HTML input or copied page text; else ``reasons`` as they are."""
    model = load_model("html" if hints is not None else "text")
    if model is None:
        return reasons
    unit_texts, _r, unit_hints = page_units(text, hints)
    feats = unit_features(unit_texts, reasons, unit_hints)
    probs = model.probs(feats, unit_texts)
    return [page_reason(s, r, p, model, pull=f.get("pull", 0.0) > 0, in_core=f.get("in_core", 0.0) > 0)
            for s, r, f, p in zip(unit_texts, reasons, feats, probs)]


def _with_quotes(text: str, raw: Iterable[tuple], doc_id: str) -> Iterator[Segment]:
    """Add quotation context to raw segments and give out ``Segment``s in order.

    Quotation groups are numbered in text order; a group ends at its closing mark, at a non-body
    segment, or at a new unit that does not re-open it. A group's attribution is the one after
    its close, else the one before its opening, else (same unit) the previous group's. A segment
    takes the attribution of the last attributed group opened in it, else of the group it
    continues; one touched by no group gets ``_attr_sentence``. Segments wait in ``pending``
    only while a group is open; those that only continue it wait as two integers each, so a
    quotation left open over a whole 10 MB line stays small.
    """
    # [start, end, reason, in_quote, cont_group, has_group, attr_of_opened], or for a run of
    # segments that only continue the open group: (group, array of start, end, start, end, ...)
    pending: list[list | tuple[int, array]] = []
    run: array | None = None   # the run at the end of ``pending``, if the last item is one
    wanted: dict[int, object] = {}  # group -> attribution, for groups some pending segment continues
    gid = -1                   # id of the last group opened
    cur = False                # a group is open
    g_open = (0, 0, 0)         # (segment start, open position, unit) of the open group
    g_close: tuple | None = None
    prev_group: tuple | None = None  # (closed, close unit, attribution) of the last finished group
    cues: _CueWords | None = None
    cues_start = -1
    prev_unit = None
    index = 0

    def finish(close: tuple | None) -> None:
        """Attribute the open group (closed at ``close`` = (position, segment end, unit) or not)."""
        nonlocal prev_group, cues, cues_start
        a = None
        if close is not None:
            cpos, seg_end, _unit = close
            a = _attr_after(text[cpos + 1:min(seg_end, cpos + 240)])
        if a is None:
            seg_start, opos, _ou = g_open
            if cues_start != seg_start:
                cues, cues_start = _CueWords(text, seg_start, seg_end_of_open[0]), seg_start
            a = _attr_before(text, seg_start, opos, cues)
        if a is None and gid > 0 and prev_group is not None:
            closed, close_unit, prev_attr = prev_group
            if closed and close_unit == g_open[2] and prev_attr:
                a = prev_attr
        prev_group = (close is not None, close[2] if close is not None else None, a)
        if gid in wanted:
            wanted[gid] = a
        if a and opened_in is not None:
            opened_in[6] = a  # the last attributed group opened in a segment wins

    seg_end_of_open = [0]
    opened_in: list | None = None  # the pending entry of the segment the open group was opened in

    def flush() -> Iterator[Segment]:
        nonlocal index, run
        for item in pending:
            if type(item) is tuple:  # segments that only continue group ``g``: its attribution
                g, spans = item
                found = wanted.get(g)
                speaker, cue = found if found else (None, None)
                for k in range(0, len(spans), 2):
                    s, e = spans[k], spans[k + 1]
                    yield _new_segment(doc_id, index, s, e, text[s:e], True, None, True, speaker, cue)
                    index += 1
                continue
            s, e, reason, in_q, cont, has_group, opened_attr = item
            speaker = cue = None
            body = reason is None
            if body:
                found = opened_attr or (wanted.get(cont) if cont is not None else None)
                if found is None and not has_group:
                    found = _attr_sentence(text[s:e])
                if found:
                    speaker, cue = found
            yield _new_segment(doc_id, index, s, e, text[s:e], body, reason, in_q if body else False, speaker, cue)
            index += 1
        pending.clear()
        wanted.clear()
        run = None

    quote_char = _QUOTE_CHAR.search
    cue_free = _CUE_FIRST.isdisjoint
    words = _WORD.findall
    for s, e, reason, unit_no, _p, seg in raw:
        if not cur and (reason is not None or ('"' not in seg if seg.isascii() else quote_char(seg) is None)):
            # No quotation open or opened here (``pending`` is empty): give the segment out at
            # once. The general path below does the same, at several times the cost per segment,
            # and so would ``_new_segment`` and ``_attr_sentence``'s first test, called.
            prev_unit = unit_no
            speaker = cue = None
            if reason is None and not cue_free(words(seg.lower())):
                found = _attr_sentence(seg)
                if found:
                    speaker, cue = found
            new = _object_new(Segment)
            _object_setattr(new, "__dict__", {"doc": doc_id, "index": index, "start": s, "end": e, "text": seg,
                                              "body": reason is None, "reason": reason, "in_quote": False,
                                              "speaker": speaker, "cue": cue})
            yield new
            index += 1
            continue
        if cur and reason is None and unit_no == prev_unit and (
                '"' not in seg if seg.isascii() else quote_char(seg) is None):
            # Inside the open quotation, with no quotation mark: what the general path below
            # would record, kept as two integers.
            wanted[gid] = None
            if run is None:
                run = array("q")
                pending.append((gid, run))
            run.append(s)
            run.append(e)
            continue
        skip_first = False
        if unit_no != prev_unit:
            if cur:
                if seg[:1] in OPEN_Q and reason is None:
                    skip_first = True      # news style: a quote re-opened at the next paragraph
                else:
                    finish(None)
                    cur = False
            prev_unit = unit_no
        entry = [s, e, reason, False, None, False, None]
        if reason is not None:
            if cur:
                finish(None)
                cur = False
        else:
            if cur:
                entry[3] = True
                entry[4] = gid
                entry[5] = True
                wanted[gid] = None
            for qm in _QUOTE_CHAR.finditer(seg):
                j, ch = qm.start(), qm.group()
                if skip_first and j == 0:
                    continue
                if not cur and ch in OPEN_Q:
                    gid += 1
                    cur = True
                    g_open = (s, s + j, unit_no)
                    seg_end_of_open[0] = e
                    opened_in = entry
                    entry[5] = True
                elif cur and ch in CLOSE_Q:
                    finish((s + j, e, unit_no))
                    cur = False
        if cur and entry[4] == gid and entry is not opened_in:
            # it only continues the open group (its marks were ignored, as an opening one inside
            # a quotation is): kept as two integers, as above
            if run is None:
                run = array("q")
                pending.append((gid, run))
            run.append(s)
            run.append(e)
        else:
            pending.append(entry)
            run = None
        if not cur:
            yield from flush()
    if cur:
        finish(None)
    yield from flush()
