"""Tests for claimsift.webpage and the page model end to end (HTML and copied page text).

The pages here are written for these tests: one article, with the page furniture the issue lists
(navigation, captions and credits, contributor line, video widget, embedded post, share bar,
newsletter and donation prompts, author bio, related list, pull quote, footer, cookie notice).
"""

from __future__ import annotations

from claimsift.reader import read_bytes
from claimsift.segment import segment_document
from claimsift.webpage import extract_page

PARAS = [
    "The city council voted on Monday to close the old bridge to cars after engineers found deep cracks in two of its piers.",
    "Inspectors first reported the damage in March, but repairs were delayed while the council argued over who would pay for them.",
    "“We cannot keep sending school buses over a structure we know is failing,” the mayor told reporters after the vote.",
    "Traffic will be diverted to the ring road from next week, adding about fifteen minutes to the morning commute for many drivers.",
    "Shop owners near the bridge said they feared losing customers, and several asked the council for help with the lost trade.",
    "The council has set aside money for a temporary footbridge, which it hopes to open before the end of the summer holidays.",
]
NOISE = [
    "Crews inspect the cracked pier on Friday. (Photo: Sam Okafor / City Herald)",
    "Additional reporting by Lena Park.",
    "Watch: drone footage of the bridge",
    "Sign up for our morning newsletter",
    "Support independent local journalism: donate today",
    "Sam Okafor is a staff reporter who covers transport and city hall.",
    "We use cookies to personalise content. Read our privacy policy.",
]


def _html() -> str:
    first = "".join(f"<p>{p}</p>" for p in PARAS[:3])
    second = "".join(f"<p>{p}</p>" for p in PARAS[3:])
    return f"""<!doctype html><html><head><title>Old bridge to close | City Herald</title></head><body>
<header class="site-header"><nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><article class="article">
<h1>Council votes to close the old bridge</h1>
<div class="share-bar"><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
<figure><img src="bridge.jpg"><figcaption class="image-caption">{NOISE[0]}</figcaption></figure>
<div class="article-body">{first}
<h2>Footbridge planned</h2>
{second}
<p class="contributor">{NOISE[1]}</p></div>
<div class="author-bio"><p>{NOISE[5]}</p></div>
<aside class="related"><h3>More on transport</h3><ul><li><a href="/a">Bus fares rise again</a></li>
<li><a href="/b">Ring road works begin</a></li><li><a href="/c">Cycle lanes approved</a></li></ul></aside>
<div class="newsletter-signup"><p>{NOISE[3]}</p></div>
</article></main>
<footer class="site-footer"><p>{NOISE[6]}</p><p>© 2024 City Herald</p></footer></body></html>"""


def test_extract_page_hints_one_per_line():
    page = extract_page(_html())
    assert page is not None
    lines = page.text.split("\n")
    assert len(page.hints) == len(lines)
    assert any(h.found and h.precise for h in page.hints)


def test_html_body_is_the_article():
    doc = read_bytes(_html().encode(), "bridge.html")[0]
    assert doc.format == "html" and doc.hints is not None
    segs = segment_document(doc.text, doc.doc_id, hints=doc.hints)
    body = " ".join(s.text for s in segs if s.body)
    for p in PARAS:
        assert p in body
    for noise in NOISE:
        assert noise not in body


def _copied_page() -> str:
    menu = ["City Herald", "Home", "News", "Sport", "Opinion", "Culture", "Weather", "Subscribe", "Log in", "Search"]
    top = ["Transport", "Council votes to close the old bridge", "By Sam Okafor", "March 4, 2024", "Share", "Tweet", "Email",
           NOISE[0], NOISE[2], "0:45"]
    after = [NOISE[1], "— Lena Park (@lenapark) March 4, 2024", NOISE[5], "More on transport", "Bus fares rise again",
             "Ring road works begin", "Cycle lanes approved", NOISE[3], NOISE[4], "About us", "Contact", "Careers",
             "Advertise", "Privacy", "Terms", NOISE[6], "© 2024 City Herald"]
    article = PARAS[:3] + ["Footbridge planned"] + PARAS[3:5] + [PARAS[2][1:60]] + PARAS[5:]
    return "\n\n".join(menu + top + article + after) + "\n"


def test_copied_page_text_keeps_every_paragraph_and_flags_the_page():
    text = _copied_page()
    segs = segment_document(text, "copied")
    body = " ".join(s.text for s in segs if s.body)
    for p in PARAS:
        assert p in body
    body_segs = [s.text for s in segs if s.body]
    for noise in NOISE + ["Home", "Share", "More on transport", "Bus fares rise again", "Privacy", "0:45",
                          "— Lena Park (@lenapark) March 4, 2024", PARAS[2][1:60]]:
        assert not any(b in noise for b in body_segs), noise
    reasons = {s.text: s.reason for s in segs}
    assert reasons["We use cookies to personalise content."] == "cookie"
    assert reasons["— Lena Park (@lenapark) March 4, 2024"] == "embed"
    assert reasons[NOISE[5]] == "bio"
    assert reasons[PARAS[2][1:60]] == "pull_quote"
    assert reasons["Footbridge planned"] == "subheading"


def test_plain_article_unchanged_by_page_model():
    text = "\n\n".join(["Council votes to close the old bridge", *PARAS]) + "\n"
    segs = segment_document(text, "plain")
    assert [s.body for s in segs][0] is False
    assert all(s.body for s in segs[1:])
