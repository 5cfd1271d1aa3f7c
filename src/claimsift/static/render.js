/* claimsift article renderer: one module for the reader page and the evaluation report.
 *
 * claimsiftRender.renderArticle(container, text, segments, options) draws `text` with each
 * segment record (the JSON that POST /v1/classify and `claimsift classify` produce) highlighted
 * by its label. Everything is inserted with textContent: the text is untrusted and never parsed
 * as HTML. options: {palette: {labels: [...]}, threshold: 0.6}. Styles: render.css plus the
 * --label-* / --tint-* properties of claimsift.palette.css().
 *
 * Keyboard: the article is one tab stop; arrow keys (or j/k) move between sentences, Home/End
 * jump; the focused or hovered sentence's label, probabilities, quotation context or non-body
 * reason show in a tooltip and in the live region given as options.detail.
 */
(function (root) {
  "use strict";

  var DEFAULT_THRESHOLD = 0.6;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function topLabel(seg) {
    var best = null, bestP = -1;
    Object.keys(seg.scores || {}).forEach(function (k) {
      if (seg.scores[k] > bestP) { best = k; bestP = seg.scores[k]; }
    });
    return { label: best, p: bestP };
  }

  /** True when the model's top probability for a body segment is under the threshold. */
  function isUnsure(seg, threshold) {
    if (!seg.body || !seg.scores) return false;
    return topLabel(seg).p < (threshold === undefined ? DEFAULT_THRESHOLD : threshold);
  }

  /** Counts: {body, nonBody, unsure, labels: {name: n}} for the given label list. */
  function summarize(segments, labels, threshold) {
    var out = { body: 0, nonBody: 0, unsure: 0, labels: {} };
    labels.forEach(function (l) { out.labels[l] = 0; });
    segments.forEach(function (s) {
      if (!s.body) { out.nonBody += 1; return; }
      out.body += 1;
      if (s.label in out.labels) out.labels[s.label] += 1;
      if (isUnsure(s, threshold)) out.unsure += 1;
    });
    return out;
  }

  // The label list comes from claimsift.palette.as_json() (in turn from claimsift.labels).
  function labelsOf(options) {
    if (!options || !options.palette || !Array.isArray(options.palette.labels)) {
      throw new Error("claimsiftRender: options.palette.labels is required (claimsift.palette.as_json())");
    }
    return options.palette.labels;
  }

  function pct(n, total) { return total ? Math.round((100 * n) / total) : 0; }

  /** Lines describing one segment (label, probabilities, quotation context, non-body reason). */
  function describe(seg, labels, threshold) {
    if (!seg.body) return ["Not article body: " + (seg.reason || "other")];
    var lines = [seg.label + (isUnsure(seg, threshold) ? " (unsure: top probability under " + threshold + ")" : "")];
    lines.push(labels.map(function (l) {
      var p = seg.scores && typeof seg.scores[l] === "number" ? seg.scores[l] : 0;
      return l + " " + p.toFixed(2);
    }).join(" · "));
    if (seg.in_quote || seg.speaker || seg.cue) {
      var q = seg.in_quote ? "Quoted" : "Attributed";
      if (seg.speaker) q += ", speaker: " + seg.speaker;
      if (seg.cue) q += ", cue: " + seg.cue;
      lines.push(q);
    }
    return lines;
  }

  /** The legend: one swatch, marker and name per label, plus non-body and unsure. */
  function renderLegend(container, options) {
    var labels = labelsOf(options);
    container.replaceChildren();
    var list = el("ul", "cs-legend");
    labels.forEach(function (l) {
      var item = el("li", "cs-legend-item");
      var sample = el("span", "cs-seg cs-" + l);
      sample.appendChild(el("span", "cs-tag", l.charAt(0).toUpperCase()));
      sample.appendChild(document.createTextNode(" " + l));
      item.appendChild(sample);
      list.appendChild(item);
    });
    var nb = el("li", "cs-legend-item");
    nb.appendChild(el("span", "cs-seg cs-nonbody", "not body (heading, byline, …)"));
    list.appendChild(nb);
    var un = el("li", "cs-legend-item");
    var unSample = el("span", "cs-seg cs-unsure");
    unSample.appendChild(el("span", "cs-tag", "?"));
    unSample.appendChild(document.createTextNode(" unsure"));
    un.appendChild(unSample);
    list.appendChild(un);
    container.appendChild(list);
  }

  /** The summary bar: share of each label among body sentences, counts as text. */
  function renderSummary(container, segments, options) {
    var labels = labelsOf(options);
    var threshold = typeof options.threshold === "number" ? options.threshold : DEFAULT_THRESHOLD;
    var s = summarize(segments, labels, threshold);
    container.replaceChildren();
    var bar = el("div", "cs-bar");
    bar.setAttribute("aria-hidden", "true");
    labels.forEach(function (l) {
      if (!s.labels[l]) return;
      var part = el("span", "cs-bar-part cs-fill-" + l);
      part.style.flexGrow = String(s.labels[l]);  // CSSOM, allowed under a strict CSP
      bar.appendChild(part);
    });
    container.appendChild(bar);
    var list = el("ul", "cs-counts");
    labels.forEach(function (l) {
      var item = el("li", "cs-count cs-count-" + l);
      item.dataset.label = l;
      item.dataset.count = String(s.labels[l]);
      item.appendChild(el("span", "cs-swatch cs-fill-" + l));
      item.appendChild(document.createTextNode(l + ": " + s.labels[l] + " (" + pct(s.labels[l], s.body) + "%)"));
      list.appendChild(item);
    });
    var extra = [["body", "body sentences", s.body], ["unsure", "unsure (top probability < " + threshold + ")", s.unsure],
                 ["nonbody", "not body", s.nonBody]];
    extra.forEach(function (e) {
      var item = el("li", "cs-count cs-count-" + e[0], e[1] + ": " + e[2]);
      item.dataset.label = e[0];
      item.dataset.count = String(e[2]);
      list.appendChild(item);
    });
    container.appendChild(list);
    return s;
  }

  /**
   * Draw `text` with `segments` into `container` (its children are replaced).
   * Returns the summary counts. options.detail: an element that mirrors the tooltip (live region).
   */
  function renderArticle(container, text, segments, options) {
    options = options || {};
    var labels = labelsOf(options);
    var threshold = typeof options.threshold === "number" ? options.threshold : DEFAULT_THRESHOLD;
    var ordered = segments.slice().sort(function (a, b) { return a.start - b.start; });
    container.replaceChildren();
    container.classList.add("cs-article");
    var article = el("div", "cs-text");
    article.setAttribute("role", "group");
    article.setAttribute("aria-label", "Article, " + ordered.length + " segments; arrow keys move between sentences");
    var tip = el("div", "cs-tip");
    tip.setAttribute("role", "tooltip");
    tip.id = (container.id || "cs-article") + "-tip";
    tip.hidden = true;
    var spans = [];
    var pos = 0;
    ordered.forEach(function (seg) {
      if (seg.start > pos) article.appendChild(document.createTextNode(text.slice(pos, seg.start)));
      var cls = "cs-seg " + (seg.body ? "cs-" + seg.label : "cs-nonbody");
      var unsure = isUnsure(seg, threshold);
      if (unsure) cls += " cs-unsure";
      if (seg.in_quote) cls += " cs-quote";
      var span = el("span", cls);
      span.dataset.index = String(seg.index);
      span.dataset.label = seg.body ? seg.label : "";
      if (!seg.body) span.dataset.reason = seg.reason || "";
      span.tabIndex = -1;
      if (seg.body) {
        var mark = seg.label.charAt(0).toUpperCase() + (unsure ? "?" : "");
        var tag = el("span", "cs-tag", mark);
        tag.setAttribute("aria-hidden", "true");
        span.appendChild(tag);
        span.appendChild(el("span", "cs-sr", seg.label + (unsure ? ", unsure" : "") + ": "));
      } else {
        span.appendChild(el("span", "cs-sr", "not body, " + (seg.reason || "other") + ": "));
      }
      span.appendChild(document.createTextNode(text.slice(seg.start, seg.end)));
      span.setAttribute("aria-describedby", tip.id);
      span._csSegment = seg;
      spans.push(span);
      article.appendChild(span);
      pos = Math.max(pos, seg.end);
    });
    if (pos < text.length) article.appendChild(document.createTextNode(text.slice(pos)));
    if (spans.length) spans[0].tabIndex = 0;

    function show(span) {
      var lines = describe(span._csSegment, labels, threshold);
      tip.replaceChildren();
      lines.forEach(function (line) { tip.appendChild(el("div", null, line)); });
      tip.hidden = false;
      var box = span.getBoundingClientRect(), host = container.getBoundingClientRect();
      var left = Math.max(0, Math.min(box.left - host.left, host.width - tip.offsetWidth));
      tip.style.left = left + "px";
      tip.style.top = (box.bottom - host.top + 4) + "px";
      if (options.detail) {
        options.detail.replaceChildren();
        lines.forEach(function (line) { options.detail.appendChild(el("div", null, line)); });
      }
    }
    function hide() { tip.hidden = true; }
    function focusAt(i) {
      if (i < 0 || i >= spans.length) return;
      spans.forEach(function (s) { s.tabIndex = -1; });
      spans[i].tabIndex = 0;
      spans[i].focus();
    }

    article.addEventListener("mouseover", function (e) {
      var span = e.target.closest && e.target.closest(".cs-seg");
      if (span && span._csSegment) show(span);
    });
    article.addEventListener("mouseleave", hide);
    article.addEventListener("focusin", function (e) {
      if (e.target._csSegment) show(e.target);
    });
    article.addEventListener("focusout", hide);
    article.addEventListener("keydown", function (e) {
      var i = spans.indexOf(document.activeElement);
      if (i < 0) return;
      var moves = { ArrowRight: i + 1, ArrowDown: i + 1, j: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, k: i - 1,
                    Home: 0, End: spans.length - 1 };
      if (e.key === "Escape") { hide(); return; }
      if (!(e.key in moves)) return;
      e.preventDefault();
      focusAt(moves[e.key]);
    });
    container.appendChild(article);
    container.appendChild(tip);
    return summarize(ordered, labels, threshold);
  }

  root.claimsiftRender = {
    DEFAULT_THRESHOLD: DEFAULT_THRESHOLD,
    renderArticle: renderArticle,
    renderLegend: renderLegend,
    renderSummary: renderSummary,
    summarize: summarize,
    isUnsure: isUnsure,
    describe: describe
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
