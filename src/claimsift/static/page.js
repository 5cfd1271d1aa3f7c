/* claimsift reader page: posts the text to POST /v1/classify (the same endpoint every client
 * uses) and draws the answer with render.js. Untrusted text only ever goes into textContent. */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var state = { palette: null, limits: null, result: null, text: "", docId: "pasted" };

  function setStatus(node, message, isError) {
    node.textContent = message;
    node.classList.toggle("error", !!isError);
  }

  function headers() {
    var h = { "Content-Type": "application/json" };
    var key = $("key").value.trim();
    if (key) h["X-API-Key"] = key;
    return h;
  }

  function needKey(message) {
    $("key-field").hidden = false;
    setStatus($("status"), message || "This service needs an API key: enter it above.", true);
    $("key").focus();
  }

  async function errorMessage(response) {
    try {
      var body = await response.json();
      if (body && typeof body.error === "string") return body.error;
    } catch (e) { /* not JSON: fall through */ }
    return "HTTP " + response.status;
  }

  async function loadModel() {
    var r = await fetch("/v1/model", { headers: headers() });
    if (r.status === 401) {
      $("model").textContent = "Model: enter the API key to see it.";
      needKey();
      return;
    }
    if (!r.ok) { $("model").textContent = "Model: unavailable (" + (await errorMessage(r)) + ")"; return; }
    var m = await r.json();
    state.limits = m.limits || null;
    var metrics = m.metrics || {};
    var parts = ["Model: " + m.kind, "precision " + m.precision];
    Object.keys(metrics).slice(0, 2).forEach(function (k) {
      if (typeof metrics[k] === "number") parts.push(k.replace(/_/g, " ") + " " + metrics[k].toFixed(3));
    });
    if (m.service_version) parts.push("service " + m.service_version);
    $("model").textContent = parts.join(" · ");
    if (state.limits && state.limits.max_doc_chars) {
      $("limit").textContent = state.limits.max_doc_chars.toLocaleString("en");
    }
  }

  function threshold() {
    var t = parseFloat($("threshold").value);
    return isFinite(t) && t >= 0 && t <= 1 ? t : claimsiftRender.DEFAULT_THRESHOLD;
  }

  function draw() {
    var doc = state.result.documents[0];
    var text = typeof doc.text === "string" ? doc.text : state.text;
    var opts = { palette: state.palette, threshold: threshold(), detail: $("detail") };
    renderWarnings(doc.warnings || []);
    claimsiftRender.renderLegend($("legend"), opts);
    claimsiftRender.renderSummary($("summary"), doc.segments, opts);
    claimsiftRender.renderArticle($("article"), text, doc.segments, opts);
    $("detail").replaceChildren();
  }

  function renderWarnings(warnings) {
    var node = $("warnings");
    node.textContent = warnings.join(" ");
    node.hidden = warnings.length === 0;
  }

  async function classify(event) {
    event.preventDefault();
    var text = $("text").value;
    var status = $("status");
    if (!text.trim()) { setStatus(status, "Paste an article or open a file first.", true); $("text").focus(); return; }
    var max = state.limits && state.limits.max_doc_chars;
    if (max && text.length > max) {
      setStatus(status, "The text is " + text.length.toLocaleString("en") + " characters; this service takes at most " +
                max.toLocaleString("en") + ". Shorten it or classify it in parts.", true);
      return;
    }
    var button = $("classify");
    button.disabled = true;
    await state.ready;
    $("result").setAttribute("aria-busy", "true");
    setStatus(status, "Classifying…", false);
    try {
      var body = JSON.stringify({ documents: [{ id: state.docId, text: text, format: $("format").value }] });
      var r = await fetch("/v1/classify", { method: "POST", headers: headers(), body: body });
      if (r.status === 401) { needKey("The API key is missing or wrong: enter it above and classify again."); return; }
      if (r.status === 413) { setStatus(status, "Too long for this service: " + (await errorMessage(r)), true); return; }
      if (r.status === 503) {
        var wait = r.headers.get("Retry-After");
        setStatus(status, "The service is busy" + (wait ? "; try again in " + wait + " s" : "") + ".", true);
        return;
      }
      if (!r.ok) { setStatus(status, "Not classified: " + (await errorMessage(r)), true); return; }
      state.result = await r.json();
      state.text = text;
      if (!state.limits) loadModel().catch(function () { /* the model line is informative only */ });
      draw();
      var n = state.result.documents[0].segments.length;
      setStatus(status, "Done: " + n + " segments.", false);
      $("result").hidden = false;
      $("result").dataset.state = "done";
      $("result").focus();
    } catch (e) {
      setStatus(status, "Could not reach the service: " + e.message, true);
    } finally {
      button.disabled = false;
      $("result").removeAttribute("aria-busy");
    }
  }

  var FORMATS = { txt: "text", text: "text", md: "markdown", markdown: "markdown", html: "html", htm: "html" };

  async function openFile() {
    var file = $("file").files[0];
    if (!file) return;
    var ext = file.name.split(".").pop().toLowerCase();
    if (!(ext in FORMATS)) { setStatus($("status"), "Open a .txt, .md or .html file.", true); return; }
    if (state.limits && file.size > 4 * state.limits.max_doc_chars) {
      setStatus($("status"), file.name + " is too large for this service.", true);
      return;
    }
    $("text").value = await file.text();
    $("format").value = FORMATS[ext];
    // The file's name becomes the document id (as the CLI does), within the API's id pattern.
    state.docId = file.name.replace(/\.[^.]*$/, "").replace(/[^\w.\-]/g, "_").slice(0, 128) || "pasted";
    setStatus($("status"), "Loaded " + file.name + ".", false);
  }

  function jsonl() {
    return state.result.documents[0].segments.map(function (s) { return JSON.stringify(s); }).join("\n") + "\n";
  }

  async function copyJson() {
    var text = JSON.stringify(state.result, null, 2);
    var node = $("copy-status");
    try {
      await navigator.clipboard.writeText(text);
      setStatus(node, "JSON copied.", false);
    } catch (e) {
      // No clipboard API (a non-local http origin): copy through a selected, off-screen textarea.
      var area = document.createElement("textarea");
      area.value = text;
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand && document.execCommand("copy");
      area.remove();
      setStatus(node, ok ? "JSON copied." : "Copy failed: use Download JSONL instead.", !ok);
    }
  }

  function downloadJsonl() {
    var url = URL.createObjectURL(new Blob([jsonl()], { type: "application/x-ndjson" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = "claimsift-" + state.docId + ".jsonl";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    setStatus($("copy-status"), "JSONL downloaded.", false);
  }

  async function start() {
    state.ready = fetch("/static/palette.json").then(function (r) { return r.json(); })
      .then(function (p) { state.palette = p; });
    $("form").addEventListener("submit", classify);
    $("file").addEventListener("change", function () {
      openFile().catch(function (e) { setStatus($("status"), "Could not read the file: " + e.message, true); });
    });
    $("text").addEventListener("input", function () { state.docId = "pasted"; });
    $("threshold").addEventListener("change", function () { if (state.result) draw(); });
    $("key").addEventListener("change", function () { loadModel().catch(function () {}); });
    $("copy").addEventListener("click", copyJson);
    $("download").addEventListener("click", downloadJsonl);
    $("text").addEventListener("keydown", function (e) {  // Ctrl/Cmd+Enter classifies
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("form").requestSubmit();
    });
    await state.ready;
    try { await loadModel(); } catch (e) { $("model").textContent = "Model: unavailable (" + e.message + ")"; }
  }

  start().catch(function (e) { setStatus($("status"), "The page failed to start: " + e.message, true); });
})();
