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
_CAND = re.compile(r"(?<![.!?…‽])(\.(?:[ \u00a0]\.){2,3}+|[.!?…‽]++)([”’\"'»)\]}]*+)(?=\s)")
_NEXT = re.compile(r"\s+([“\"‘'«„(\[{]*)([^\s“\"‘'«„(\[{]*)")
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


def _is_starter(word: str) -> bool:
    w = _first_word(word).lower().rstrip(".")
    return w in STARTERS


def _decide(u: str, m: re.Match, sent_start: int, depth: int) -> int | None:
    """Return the cut position for candidate ``m`` in unit ``u``, or None for no cut."""
    nm = _NEXT.match(u, m.end())
    if nm is None:
        return None
    opener, word = nm.group(1), nm.group(2)
    if not word and not opener:
        return None
    ch = word[:1] if word else ""
    if ch and (ch.islower() or ch in ".…"):
        return None
    if not word and opener:  # opener followed by whitespace: treat as boundary-neutral
        ch = opener[-1]
    term, close = m.group(1), m.group(2)
    if depth > 0:
        close_at = u.find(")", m.end(), m.end() + 300)
        if close_at != -1:
            return None
    if opener.startswith("(") and _CITATION.match(u, nm.start(1)):
        return None
    upper_or_digit = bool(ch) and (ch.isupper() or ch.isdigit() or not ch.isalpha())
    if m.end() - sent_start <= 16 and _LIST_MARKER_ONLY.match(u[sent_start:m.end()].strip()):
        return None
    attached = m.start() > 0 and not u[m.start() - 1].isspace()
    if " " in term or "\u00a0" in term:  # spaced ellipsis ". . ." / ". . . ."
        if attached:
            return m.start() + 1 if (ch.isupper() or ch.isdigit()) else None
        if term.count(".") >= 4 and upper_or_digit:
            return m.end()
        return None
    if "!" in term or "?" in term or "‽" in term:
        if close and any(q in close for q in "”\"'’") and _QUOTE_ATTR_AFTER_EXCL.match(u, nm.start(2)):
            return None
        return m.end()
    if "…" in term or len(term) > 1:  # ellipsis
        if _first_word(word) in ("I", "I’m", "I'm", "I’ve", "I've", "I’d", "I'd", "I’ll", "I'll"):
            return None  # "I don’t know... I just don’t know": a trailing-off pause, not an end
        return m.end() if upper_or_digit else None
    # a single period
    if close:
        return m.end()
    before = u[max(sent_start, m.start() - 60):m.start()]
    # the trailing run of non-whitespace, as ``(\S+)$`` finds it ($ also matches before a final
    # newline), without a regex scan of the window
    if before.endswith("\n"):
        before = before[:-1]
    tok = before.rsplit(None, 1)[-1] if before and not before[-1].isspace() else ""
    core = tok.lstrip(_OPENERS + "-—–")
    low = core.lower().rsplit("/", 1)[-1]   # "P/BGEN." -> "bgen"
    if not core:
        return m.end()
    if low in TITLES and core[:1].isupper():
        return None
    if ch.isdigit() and (low in NUMBER_PREFIX or low in MONTH_ABBR):
        return None
    if len(core) == 1 and core.isalpha() and core.isupper():  # initial: "Julián G." / "you and I."
        return m.end() if (_is_starter(word) or opener) else None
    if low in ("a.m", "p.m"):
        nxt = _first_word(word).lower().rstrip(".")
        if nxt in WEEKDAYS or nxt in MONTHS or nxt in TIMEZONES:
            return None
        words = u[sent_start:m.end()][:60].split()
        if len(words) <= 4 and words and words[0].lower() in PREPOSITIONS:
            return None
        return m.end()
    if low in MONTH_ABBR or low in DAY_ABBR:
        return m.end() if (_is_starter(word) or opener) else None
    if low in TERMINAL_ABBR or _DOTTED.match(core) or low in NUMBER_PREFIX:
        return m.end() if (_is_starter(word) or opener) and not ch.isdigit() else None
    return m.end()


def _sentence_cuts(u: str) -> list[int]:
    """Cut positions (relative to ``u``) between sentences of one unit."""
    return list(_iter_sentence_cuts(u))


def _iter_sentence_cuts(u: str) -> Iterator[int]:
    """``_sentence_cuts`` lazily, in increasing order: a 10 MB line can hold millions of cuts."""
    cuts: list[int] = []
    # inline enumerations "1. x 2. y" / "a) x b) y" and bullets
    em = _ENUM_START.match(u)
    if em is None:
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
    for bm in _BULLET_CUT.finditer(u):
        cuts.append(bm.start())
    cut_set = sorted(set(cuts))
    last_cut = None
    # one cut per candidate, candidates in order: strictly increasing, so a merge keeps order
    for c in heapq.merge(cut_set, _candidate_cuts(u, cut_set)):
        if c != last_cut:
            yield c
            last_cut = c


def _candidate_cuts(u: str, cut_set: list[int]) -> Iterator[int]:
    """The cuts at ``. ! ? …`` candidates that ``_decide`` keeps, in order."""
    sent_start = 0
    depth = 0
    last = 0
    ci = 0
    for m in _CAND.finditer(u):
        # advance over enumeration/bullet cuts that lie before this candidate
        while ci < len(cut_set) and cut_set[ci] <= m.start():
            sent_start = cut_set[ci]
            ci += 1
        seg = u[last:m.end()]
        depth = max(0, depth + seg.count("(") - seg.count(")"))
        last = m.end()
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


def _strip_md(line: str) -> str:
    s = line.strip()
    s = re.sub(r"^(?:>\s*)+", "", s)
    return s


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
        if not _TERM_END.search(a) and a[-1] not in ":" and 30 <= len(a) <= 110 and not _LIST_ITEM.match(b):
            open_end += 1
    return open_end >= 3 and open_end >= 0.4 * followed


_DANGLING = re.compile(r"(?:,|\b(?:and|or|but|nor|the|a|an|of|to|in|for|with|between|by|on|at|from|that|which|who|whose|"
                       r"than|as|into|onto|about|against|under|over|its|their|his|her|our|your|this|these|those|is|are|was|were|"
                       r"has|have|had|be|been|said|says|told|would|will|could|should|not))$")


def _units(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, paragraph_start) of each unit, lazily; whitespace-only lines are skipped."""
    wrapped = _is_wrapped(text, _line_spans(text))
    units: list[list] = []   # the unit being built: [start, end, paragraph_start, first line, last line]
    prev_blank = True
    for s, e in _line_spans(text):
        stripped = text[s:e].strip()
        if not stripped:
            prev_blank = True
            continue
        join = False
        if units and not prev_blank:
            first_line, last_line = units[-1][3], units[-1][4]
            starts_low = stripped[:1].islower()
            structural = bool(_LIST_ITEM.match(stripped) or _MD_HEADING.match(stripped) or _SEPARATOR.match(stripped)
                              or _MD_HEADING.match(first_line) or _SEPARATOR.match(first_line))
            if not structural and not _TERM_END.search(last_line) and last_line[-1:] != ":":
                if starts_low or _DANGLING.search(last_line[-40:]):
                    join = True
                elif wrapped and len(last_line) >= 30 and _classify_unit(stripped, None, False) in (None, "heading"):
                    join = True
            elif not structural and wrapped and _TERM_END.search(last_line) and len(last_line) >= 50 \
                    and not _LIST_ITEM.match(first_line) and _classify_unit(stripped, None, False) is None:
                join = True
        if join:
            units[-1][1] = e
            units[-1][4] = stripped
        else:
            if units:
                u = units.pop()
                yield u[0], u[1], u[2]
                units.append([s, e, prev_blank, stripped, stripped])
            else:
                units.append([s, e, True, stripped, stripped])
        prev_blank = False
    for u in units:
        yield u[0], u[1], u[2]


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
    if hints is not None or _copied_page(text):
        units = list(_units(text))
        reasons = _page_reasons(text, units, rule_reasons(text, units), hints)
    return _with_quotes(text, _raw_segments(text, reasons), doc_id)


# A pure function of its arguments; repeated lines (page boilerplate, a million identical short
# lines) are classified once.
_classify_unit_cached = functools.lru_cache(maxsize=4096)(_classify_unit)


MAX_PAGE_UNITS = 20_000
"""Plain text with more lines than this is never weighed as a copied web page: real pages have a
few thousand at most, and the page model holds features for every unit (memory stays bounded on
a million short lines)."""


def _copied_page(text: str) -> bool:
    """Strong evidence that plain ``text`` is a copied web page (see ``pagetext.looks_like_page``)."""
    head = list(itertools.islice((_strip_md(text[us:ue].strip()) for us, ue, _p in _units(text)), MAX_PAGE_UNITS + 1))
    return len(head) <= MAX_PAGE_UNITS and looks_like_page(head)


def _raw_segments(text: str, reasons: list[str | None] | None = None) -> Iterator[tuple[int, int, str | None, int, bool]]:
    """(start, end, reason, unit_no, para_start) of each segment, before quotation context.

    ``reasons`` (one per unit, from the page model) replaces the text rules when given.
    """
    in_link_list = False
    prev_reason = None
    for unit_no, (us, ue, para_start) in enumerate(_units(text)):
        u = text[us:ue]
        if reasons is not None:
            reason = reasons[unit_no]
        else:
            reason = _classify_unit_cached(_strip_md(u.strip()), prev_reason, in_link_list)
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
                yield us + lead, us + dl_end, "dateline", unit_no, para_start
                offset = dl_end
        body_part = u[offset:]
        prev_cut = 0
        for cut in itertools.chain(_iter_sentence_cuts(body_part), (len(body_part),)):
            a, b, prev_cut = prev_cut, cut, cut
            piece = body_part[a:b]
            st = piece.strip()
            if not st:
                continue
            lead = len(piece) - len(piece.lstrip())
            start = us + offset + a + lead
            yield start, start + len(st), reason, unit_no, para_start


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
    only while a group is open, so memory stays bounded on any input.
    """
    pending: list[list] = []   # [start, end, reason, in_quote, cont_group, has_group, attr_of_opened]
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
        nonlocal index
        for s, e, reason, in_q, cont, has_group, opened_attr in pending:
            speaker = cue = None
            body = reason is None
            if body:
                found = opened_attr or (wanted.get(cont) if cont is not None else None)
                if found is None and not has_group:
                    found = _attr_sentence(text[s:e])
                if found:
                    speaker, cue = found
            yield Segment(doc=doc_id, index=index, start=s, end=e, text=text[s:e], body=body, reason=reason,
                          in_quote=in_q if body else False, speaker=speaker, cue=cue)
            index += 1
        pending.clear()
        wanted.clear()

    for s, e, reason, unit_no, _p in raw:
        seg = text[s:e]
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
        pending.append(entry)
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
        if not cur:
            yield from flush()
    if cur:
        finish(None)
    yield from flush()
