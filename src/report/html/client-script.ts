/**
 * The page script of the drill-down, as text: it is inlined into the report and allowed by its
 * CSP hash. Plain ES2017 without template literals, so it can live in String.raw. It builds every
 * node with createElement and textContent; data never reaches innerHTML, attributes that load
 * anything, or URLs.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  "use strict";
  var doc = document;
  var byId = function (id) { return doc.getElementById(id); };
  var payload = JSON.parse(byId("sb-trials").textContent);
  var rows = payload.rows;
  var labels = payload.labels;
  var pageSize = payload.pageSize;
  var chunkSize = payload.detailChunk;
  var chunks = {};
  var rowText = null;
  var conversationText = null;
  var keyIndex = {};
  for (var k = 0; k < rows.length; k++) if (!(rows[k].key in keyIndex)) keyIndex[rows[k].key] = k;
  var state = { filters: {}, query: "", page: 0, matches: [], openKey: null };

  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function fmtMoney(x) {
    if (typeof x !== "number" || !isFinite(x)) return "–";
    return "$" + x.toFixed(x === 0 ? 2 : x < 0.01 ? 4 : x < 1 ? 3 : 2);
  }
  function fmtMs(ms) {
    if (typeof ms !== "number" || !isFinite(ms)) return "–";
    return ms < 1000 ? Math.round(ms) + " ms" : (ms / 1000).toFixed(1) + " s";
  }
  function fmtJson(value) {
    if (value === undefined) return "";
    if (typeof value === "string") return value;
    try { return JSON.stringify(value, null, 2); } catch (e) { return String(value); }
  }
  // Details come in blocks of chunkSize trials after this script; a block is parsed when first needed.
  // undefined: its block has not arrived yet; null: the report does not embed this conversation.
  function detail(i) {
    var n = Math.floor(i / chunkSize);
    if (!chunks[n]) {
      var block = byId("sb-details-" + n);
      if (!block) return undefined;
      chunks[n] = JSON.parse(block.textContent);
    }
    return chunks[n][i - n * chunkSize];
  }
  function whenParsed(fn) {
    if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", fn, { once: true });
    else fn();
  }

  function filterValue(row, name) {
    if (name === "tier") return String(row.tier);
    if (name === "escalation") return row.escalation === null ? "none" : row.escalation;
    return String(row[name]);
  }
  function textOfRow(i) {
    var r = rows[i];
    return [r.key, r.candidate, r.suite, r.scenario, r.intent, r.language, r.verdict, r.escalation || "",
      r.failed.join(" "), r.error || ""].join(" ").toLowerCase();
  }
  function textOfConversation(d) {
    if (!d) return "";
    var parts = [];
    d.transcript.forEach(function (e) {
      if (e.type === "customer" || e.type === "bot") parts.push(e.text);
      else if (e.type === "tool") parts.push(e.name, fmtJson(e.args), fmtJson(e.result), e.error || "");
      else if (e.type === "handoff") parts.push(e.reason, e.summary);
    });
    d.grades.forEach(function (g) { parts.push(g.criterion, g.reason); });
    return parts.join(" ").toLowerCase();
  }
  function haystack(i) {
    if (!rowText) rowText = new Array(rows.length);
    if (rowText[i] === undefined) rowText[i] = textOfRow(i);
    if (!conversationText) conversationText = new Array(rows.length);
    if (conversationText[i] === undefined) conversationText[i] = textOfConversation(detail(i));
    return rowText[i] + " " + conversationText[i];
  }

  function apply() {
    if (state.query.trim() && doc.readyState === "loading") {
      byId("trial-status").textContent = "Searching the conversations as soon as the page has loaded…";
      whenParsed(apply);
      return;
    }
    var names = Object.keys(state.filters).filter(function (n) { return state.filters[n] !== ""; });
    var terms = state.query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var out = [];
    for (var i = 0; i < rows.length; i++) {
      var ok = true;
      for (var n = 0; n < names.length && ok; n++) ok = filterValue(rows[i], names[n]) === state.filters[names[n]];
      if (ok && terms.length) {
        var h = haystack(i);
        for (var t = 0; t < terms.length && ok; t++) ok = h.indexOf(terms[t]) >= 0;
      }
      if (ok) out.push(i);
    }
    state.matches = out;
    state.page = 0;
    render();
  }

  function badge(kind, value, text) { return el("span", "badge " + kind + "-" + value, text); }
  function verdictBadge(v) { return badge("verdict", v, v === "pass" ? "✓ pass" : v === "fail" ? "✗ fail" : "! error"); }

  function buildRow(i) {
    var r = rows[i];
    var tr = el("tr", "trial-row verdict-row-" + r.verdict);
    tr.dataset.index = String(i);
    tr.dataset.key = r.key;
    var first = add(tr, el("td", "scenario"));
    var open = add(first, el("button", "link", r.scenario));
    open.type = "button";
    if (payload.multiTrial) add(first, el("span", "n", " #" + r.trial));
    if (payload.multiSuite) add(first, el("span", "suite", r.suite));
    add(tr, el("td", "candidate", r.candidate));
    add(tr, el("td", null, r.intent));
    add(tr, el("td", null, r.language));
    add(tr, el("td", "num", r.tier));
    add(add(tr, el("td")), verdictBadge(r.verdict));
    var esc = r.escalation === null ? "none" : r.escalation;
    add(add(tr, el("td")), badge("escalation", esc, labels.escalation[esc] || esc));
    add(tr, el("td", "failed", r.error ? r.error : r.failed.join(", ")));
    add(tr, el("td", "num", fmtMoney(r.cost_usd)));
    add(tr, el("td", "num", fmtMs(r.latency_ms)));
    return tr;
  }

  function render() {
    var body = byId("trial-rows");
    var total = state.matches.length;
    var pages = Math.max(1, Math.ceil(total / pageSize));
    if (state.page >= pages) state.page = pages - 1;
    var start = state.page * pageSize;
    var end = Math.min(start + pageSize, total);
    var fragment = doc.createDocumentFragment();
    for (var j = start; j < end; j++) fragment.appendChild(buildRow(state.matches[j]));
    body.replaceChildren(fragment);
    byId("trial-status").textContent = total === 0
      ? "No conversation matches these filters."
      : "Showing " + (start + 1).toLocaleString("en-US") + "–" + end.toLocaleString("en-US") + " of " +
        total.toLocaleString("en-US") + " conversations" + (total < rows.length ? " (" + rows.length.toLocaleString("en-US") + " in all)" : "") + ".";
    byId("page-info").textContent = "Page " + (state.page + 1) + " of " + pages;
    byId("page-prev").disabled = state.page === 0;
    byId("page-next").disabled = state.page >= pages - 1;
  }

  // Lower case with whitespace runs collapsed, and for each character where it came from in the text.
  function normalise(text) {
    var out = "";
    var from = [];
    var space = false;
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      if (/\s/.test(ch)) {
        if (!space && out) { out += " "; from.push(i); }
        space = true;
        continue;
      }
      space = false;
      var low = ch.toLowerCase();
      for (var k = 0; k < low.length; k++) { out += low.charAt(k); from.push(i); }
    }
    return { text: out, from: from };
  }
  // What a grader quotes is often trimmed ("…"), re-spaced, or prefixed with a label ("reason: …"):
  // try the quote as given, then without the label, then its longest pieces between ellipses.
  function quoteCandidates(quote) {
    var bare = quote.replace(/^(\s|…|\.\.\.)+|(\s|…|\.\.\.)+$/g, "");
    var list = [bare];
    var colon = bare.indexOf(": ");
    if (colon > 0 && colon < 40) list.push(bare.slice(colon + 2));
    bare.split(/…|\.\.\./).map(function (p) { return p.trim(); })
      .filter(function (p) { return p.length >= 12; })
      .sort(function (a, b) { return b.length - a.length; })
      .forEach(function (p) { list.push(p); });
    return list.filter(function (q) { return q.length > 0; });
  }
  function findRange(text, quote) {
    if (!quote) return null;
    var at = text.indexOf(quote);
    if (at >= 0) return [at, at + quote.length];
    var hay = normalise(text);
    var candidates = quoteCandidates(quote);
    for (var i = 0; i < candidates.length; i++) {
      var needle = normalise(candidates[i]).text;
      var pos = needle ? hay.text.indexOf(needle) : -1;
      if (pos >= 0) return [hay.from[pos], hay.from[pos + needle.length - 1] + 1];
    }
    return null;
  }
  function eventTexts(e) {
    if (e.type === "customer" || e.type === "bot") return [e.text];
    if (e.type === "handoff") return [e.reason, e.summary];
    if (e.type === "tool") return [fmtJson(e.args), e.error ? e.error : fmtJson(e.result)];
    return [];
  }
  // Each quote goes to the first event of its turn that contains it, what people said before tool data.
  function assignCites(events, cites) {
    var byEvent = events.map(function () { return []; });
    var order = events.map(function (e, i) { return i; }).sort(function (a, b) {
      return (events[a].type === "tool") - (events[b].type === "tool") || a - b;
    });
    cites.forEach(function (c) {
      for (var n = 0; n < order.length; n++) {
        var e = events[order[n]];
        if (e.turn !== c.turn) continue;
        if (eventTexts(e).some(function (t) { return findRange(t, c.quote) !== null; })) { byEvent[order[n]].push(c); return; }
      }
    });
    return byEvent;
  }
  // Text with the cited quotes wrapped in <mark>, overlapping quotes merged into one mark.
  function markedText(tag, className, text, cites) {
    var node = el(tag, className);
    var ranges = [];
    cites.forEach(function (c) {
      if (c.placed) return;
      var r = findRange(text, c.quote);
      if (r) { ranges.push({ from: r[0], to: r[1], cites: [c] }); c.placed = true; }
    });
    ranges.sort(function (a, b) { return a.from - b.from; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r.from < last.to) { last.to = Math.max(last.to, r.to); last.cites = last.cites.concat(r.cites); }
      else merged.push(r);
    });
    var pos = 0;
    merged.forEach(function (r) {
      if (r.from > pos) node.appendChild(doc.createTextNode(text.slice(pos, r.from)));
      var mark = add(node, el("mark", r.cites.some(function (c) { return c.grade.pass === false; }) ? "cite cite-fail" : "cite", text.slice(r.from, r.to)));
      mark.title = r.cites.map(function (c) { return c.grade.criterion; }).join(", ");
      mark.id = "cite-" + r.cites[0].id;
      r.cites.forEach(function (c) { c.markId = mark.id; });
      pos = r.to;
    });
    if (pos < text.length) node.appendChild(doc.createTextNode(text.slice(pos)));
    return node;
  }

  function renderEvent(e, cites) {
    var box = el("div", "event event-" + e.type);
    box.dataset.turn = String(e.turn);
    var head = add(box, el("div", "event-head"));
    if (e.type === "customer") {
      add(head, el("span", "who", e.simulated ? "Customer (simulated)" : "Customer"));
      add(box, markedText("p", "said", e.text, cites));
    } else if (e.type === "bot") {
      add(head, el("span", "who", "Bot"));
      add(head, el("span", "n", fmtMs(e.latency_ms)));
      add(box, markedText("p", "said", e.text, cites));
    } else if (e.type === "tool") {
      add(head, el("span", "who", "Tool call"));
      add(head, el("code", "tool-name", e.name));
      var args = add(box, el("div", "kv"));
      add(args, el("span", "k", "arguments"));
      add(args, markedText("pre", "json", fmtJson(e.args), cites));
      var res = add(box, el("div", "kv"));
      add(res, el("span", "k", e.error ? "error" : "result"));
      add(res, markedText("pre", "json", e.error ? e.error : fmtJson(e.result), cites));
      if (e.changes && e.changes.length) {
        var list = add(box, el("ul", "changes"));
        e.changes.forEach(function (c) {
          add(list, el("li", null, c.path + ": " + fmtJson(c.before) + " → " + fmtJson(c.after)));
        });
      }
    } else if (e.type === "handoff") {
      add(head, el("span", "who", "Handed over to a person"));
      add(head, el("span", "n", labels.detectedBy[e.detected_by] || e.detected_by));
      var reason = add(box, el("div", "kv"));
      add(reason, el("span", "k", "reason"));
      add(reason, markedText("p", "said", e.reason, cites));
      var summary = add(box, el("div", "kv"));
      add(summary, el("span", "k", "summary for the agent"));
      add(summary, markedText("p", "said", e.summary, cites));
    }
    add(head, el("span", "turn", "turn " + e.turn));
    return box;
  }

  function gradeStatus(g) {
    if (g.error) return ["error", "! error"];
    if (g.pass === true) return ["pass", "✓"];
    if (g.pass === false) return ["fail", "✗"];
    return ["none", "–"];
  }

  function renderGrades(panel, grades, cites, scrollTo) {
    add(panel, el("h4", null, "Grades"));
    var order = { fail: 0, error: 1, none: 2, pass: 3 };
    var sorted = grades.map(function (g, i) { return { g: g, i: i }; }).sort(function (a, b) {
      return order[gradeStatus(a.g)[0]] - order[gradeStatus(b.g)[0]] || Number(b.g.hard) - Number(a.g.hard) || a.i - b.i;
    });
    sorted.forEach(function (item) {
      var g = item.g;
      var status = gradeStatus(g);
      var box = add(panel, el("div", "grade grade-" + status[0]));
      box.dataset.criterion = g.criterion;
      var head = add(box, el("div", "grade-head"));
      add(head, el("span", "grade-status", status[1]));
      add(head, el("strong", null, g.criterion));
      // A judged expectation recorded without a judge is no score and no judge verdict.
      var unjudged = g.kind === "judge" && g.grader === "judge" && g.version === "none" && g.pass === null && !g.error;
      if (unjudged) add(head, el("span", "tag kind-unjudged", "not judged (no --judge)"));
      else add(head, el("span", "tag kind-" + g.kind, labels.kind[g.kind] || g.kind));
      if (g.hard) add(head, el("span", "tag tag-hard", "must pass"));
      var scale = g.scale ? " on " + g.scale[0] + "–" + g.scale[1] : "";
      if (unjudged) add(box, el("div", "n", "no score: the run had no judge"));
      else add(box, el("div", "n", "score " + (Math.round(g.score * 100) / 100) + scale + " · graded by " + g.grader + " (v" + g.version + ")"));
      if (g.reason) add(box, el("p", "reason", g.reason));
      if (g.error) add(box, el("p", "reason error", g.error));
      cites.filter(function (c) { return c.grade === g; }).forEach(function (c) {
        var q = add(box, el("button", "evidence" + (c.markId ? "" : " unplaced")));
        q.type = "button";
        add(q, el("span", "n", "turn " + c.turn + ": "));
        add(q, el("q", null, c.quote));
        if (!c.markId) add(q, el("span", "n", " (not found in that turn)"));
        q.addEventListener("click", function () { scrollTo(c); });
      });
    });
  }

  function openTrial(i) {
    var r = rows[i];
    var d = detail(i);
    if (d === undefined && doc.readyState === "loading") { whenParsed(function () { openTrial(i); }); return; }
    var dialog = byId("trial-dialog");
    if (!d) { openSummaryOnly(r, dialog); return; }
    dialogHead(r, ["ended: " + (labels.endReason[d.end_reason] || d.end_reason), fmtMoney(d.usage.cost_usd),
      fmtMs(d.latency_ms), d.started_at], d.error ? d.error.kind + ": " + d.error.message : null);

    var cites = [];
    d.grades.forEach(function (g) {
      (g.evidence || []).forEach(function (ev) { cites.push({ id: cites.length, grade: g, turn: ev.turn, quote: ev.quote, placed: false, markId: null }); });
    });
    var transcript = byId("trial-transcript");
    transcript.replaceChildren();
    add(transcript, el("h4", null, "Conversation"));
    var turnBoxes = {};
    var assigned = assignCites(d.transcript, cites);
    d.transcript.forEach(function (e, n) {
      var box = add(transcript, renderEvent(e, assigned[n]));
      if (!turnBoxes[e.turn]) turnBoxes[e.turn] = box;
    });
    cites.forEach(function (c) {
      var box = turnBoxes[c.turn];
      if (!box) return;
      box.classList.add("cited");
      if (!c.markId) {
        if (!box.id) box.id = "turn-" + c.turn;
        c.markId = null;
        c.boxId = box.id;
      }
    });
    if (d.world_diff && d.world_diff.length) {
      var diff = add(transcript, el("div", "event event-world"));
      add(add(diff, el("div", "event-head")), el("span", "who", "Changes to the world"));
      var ul = add(diff, el("ul", "changes"));
      d.world_diff.forEach(function (c) { add(ul, el("li", null, c.path + ": " + fmtJson(c.before) + " → " + fmtJson(c.after))); });
    }
    var panel = byId("trial-grades");
    panel.replaceChildren();
    renderGrades(panel, d.grades, cites, function (c) {
      var target = byId(c.markId || c.boxId || "");
      if (!target) return;
      target.scrollIntoView({ block: "center" });
      target.classList.remove("flash");
      void target.offsetWidth;
      target.classList.add("flash");
    });
    if (!dialog.open) dialog.showModal();
    transcript.scrollTop = 0;
    setHash("#trial=" + encodeURIComponent(r.key));
  }

  // The dialog's title and the line under it: verdict, hand-off, intent, language, tier, then the items.
  function dialogHead(r, items, error) {
    state.openKey = r.key;
    byId("trial-title").textContent = r.suite + "/" + r.scenario + " · " + r.candidate + " · trial " + r.trial;
    var meta = byId("trial-meta");
    meta.replaceChildren();
    add(meta, verdictBadge(r.verdict));
    var esc = r.escalation === null ? "none" : r.escalation;
    add(meta, badge("escalation", esc, labels.escalation[esc] || esc));
    [r.intent, r.language, labels.tier[r.tier] || ("Tier " + r.tier)].concat(items)
      .forEach(function (x) { add(meta, el("span", "meta-item", x)); });
    if (error) add(meta, el("span", "meta-item error", error));
  }

  // A trial whose conversation the report does not embed: what its row knows, and where to find the rest.
  function openSummaryOnly(r, dialog) {
    dialogHead(r, [fmtMoney(r.cost_usd), fmtMs(r.latency_ms)], r.error);
    var transcript = byId("trial-transcript");
    transcript.replaceChildren();
    add(transcript, el("h4", null, "Conversation"));
    add(transcript, el("p", "muted not-embedded", "This conversation is not embedded: the report embeds " +
      payload.embedded + " of " + rows.length + " conversations, failures and errors first. Read it in results.jsonl, on the line with the key " + r.key + "."));
    var panel = byId("trial-grades");
    panel.replaceChildren();
    add(panel, el("h4", null, "Grades"));
    add(panel, el("p", "muted", r.failed.length ? "Failed: " + r.failed.join(", ") : "No failed criteria."));
    if (!dialog.open) dialog.showModal();
    setHash("#trial=" + encodeURIComponent(r.key));
  }

  // replaceState keeps the address shareable without scrolling or piling up history entries.
  function setHash(hash) {
    try { history.replaceState(null, "", hash || location.pathname + location.search); } catch (e) { /* opaque origin */ }
  }

  function openFromHash() {
    var m = /^#trial=(.*)$/.exec(location.hash);
    if (!m) { if (byId("trial-dialog").open) byId("trial-dialog").close(); return; }
    var key;
    try { key = decodeURIComponent(m[1]); } catch (e) { return; }
    var dialog = byId("trial-dialog");
    if (dialog.open && state.openKey === key) return;
    if (Object.prototype.hasOwnProperty.call(keyIndex, key)) openTrial(keyIndex[key]);
  }

  var form = byId("trial-filters");
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  Array.prototype.forEach.call(form.querySelectorAll("select[data-filter]"), function (s) {
    state.filters[s.dataset.filter] = s.value;
    s.addEventListener("change", function () { state.filters[s.dataset.filter] = s.value; apply(); });
  });
  var search = byId("trial-search");
  var timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      state.query = search.value;
      // The first search reads every conversation; say so before the page is busy.
      if (state.query.trim() && !conversationText) {
        byId("trial-status").textContent = "Searching " + rows.length.toLocaleString("en-US") + " conversations…";
        setTimeout(apply, 20);
      } else apply();
    }, 200);
  });
  form.addEventListener("reset", function () {
    setTimeout(function () {
      Object.keys(state.filters).forEach(function (n) { state.filters[n] = ""; });
      state.query = "";
      apply();
    }, 0);
  });
  byId("page-prev").addEventListener("click", function () { state.page -= 1; render(); });
  byId("page-next").addEventListener("click", function () { state.page += 1; render(); });
  byId("trial-rows").addEventListener("click", function (e) {
    var tr = e.target.closest("tr[data-index]");
    if (tr) openTrial(Number(tr.dataset.index));
  });
  byId("trial-close").addEventListener("click", function () { byId("trial-dialog").close(); });
  byId("trial-dialog").addEventListener("close", function () {
    state.openKey = null;
    if (location.hash.indexOf("#trial=") === 0) setHash("");
  });
  window.addEventListener("hashchange", openFromHash);

  state.query = search.value;
  apply();
  doc.documentElement.dataset.ready = "true";
  if (window.performance && performance.mark) performance.mark("sb-ready");
  whenParsed(openFromHash);
})();
`;
