// Sorting, facets, filter state in the URL, CSV export of the visible rows; no library, no network.
(function () {
  "use strict";
  // Printing shows every article's details, not only the open ones.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.setAttribute("data-was-open", d.open ? "1" : ""); d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-was-open]").forEach(function (d) { d.open = d.getAttribute("data-was-open") === "1"; d.removeAttribute("data-was-open"); });
  });
  // Probable originals shown inline; the checkbox hides them in its article.
  document.querySelectorAll(".toggle-sugg").forEach(function (box) {
    box.addEventListener("change", function () {
      var body = box.closest(".body");
      if (body) { body.classList.toggle("hide-sugg", !box.checked); }
    });
  });

  // Following a link to an article opens its details.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && id.indexOf("view:") !== 0 ? document.getElementById(id) : null;
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  var table = document.getElementById("comparison");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (!numeric) { return raw.trim().toLowerCase(); }
    var n = parseFloat(raw);
    return isNaN(n) ? null : n;
  }

  function sortBy(index) {
    var th = headers[index];
    var numeric = th.getAttribute("data-type") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var keyed = rows.map(function (row, i) { return [cellValue(row, index, numeric), i, row]; });
    keyed.sort(function (a, b) {
      // Missing values go last in both directions.
      if (a[0] === null || a[0] === "") { return (b[0] === null || b[0] === "") ? a[1] - b[1] : 1; }
      if (b[0] === null || b[0] === "") { return -1; }
      if (a[0] < b[0]) { return -dir; }
      if (a[0] > b[0]) { return dir; }
      return a[1] - b[1];
    });
    rows = keyed.map(function (k) { return k[2]; });
    rows.forEach(function (row) { tbody.appendChild(row); });
  }

  headers.forEach(function (th, index) {
    var button = th.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(index); }); }
  });

  var text = document.getElementById("filter");
  var source = document.getElementById("source-filter");
  var action = document.getElementById("action-filter");
  var count = document.getElementById("shown-count");
  var chips = Array.prototype.slice.call(document.querySelectorAll(".facets .chip-btn"));
  var cards = Array.prototype.slice.call(document.querySelectorAll(".cards button.card"));

  function active(kind) {
    return chips.filter(function (c) { return c.getAttribute("data-facet") === kind && c.getAttribute("aria-pressed") === "true"; })
      .map(function (c) { return c.getAttribute("data-value"); });
  }

  // Search matches the title, id and source only (never the reason: "spun" must not find
  // "not spun"); flags, rules, source and action are exact facets.
  function matches(row, words, flags, rules) {
    var hay = (row.getAttribute("data-title") + " " + row.getAttribute("data-id") + " " + row.getAttribute("data-source")).toLowerCase();
    if (!words.every(function (w) { return hay.indexOf(w) !== -1; })) { return false; }
    if (source.value && row.getAttribute("data-source") !== source.value) { return false; }
    if (action.value && row.getAttribute("data-action") !== action.value) { return false; }
    if (!flags.every(function (f) { return row.getAttribute("data-" + f) === "1"; })) { return false; }
    // A rule chip holds the ids that share its plain name: any one of them matches.
    var have = (row.getAttribute("data-rules") || "").split(" ");
    return rules.every(function (chip) {
      return chip.split(" ").some(function (r) { return have.indexOf(r) !== -1; });
    });
  }

  function state() {
    var parts = [];
    if (text.value) { parts.push("q=" + encodeURIComponent(text.value)); }
    if (source.value) { parts.push("source=" + encodeURIComponent(source.value)); }
    if (action.value) { parts.push("action=" + encodeURIComponent(action.value)); }
    var flags = active("flag"), rules = active("rule");
    if (flags.length) { parts.push("flag=" + flags.map(encodeURIComponent).join(",")); }
    if (rules.length) { parts.push("rule=" + rules.map(function (r) { return encodeURIComponent(r).replace(/%20/g, "+"); }).join(",")); }
    return parts.join("&");
  }

  function writeUrl() {
    var s = state();
    var hash = s ? "#view:" + s : "";
    if (!s && location.hash.indexOf("#view:") !== 0) { return; }
    var url = location.href.split("#")[0] + hash;
    try { history.replaceState(null, "", url); } catch (e) { location.hash = hash; }
  }

  function applyFilter(keepUrl) {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var flags = active("flag"), rules = active("rule");
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row, words, flags, rules);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " articles";
    cards.forEach(function (card) {
      var kind = card.getAttribute("data-facet"), value = card.getAttribute("data-value");
      var on = (kind === "action" && action.value === value) || (kind === "flag" && flags.indexOf(value) !== -1);
      card.setAttribute("aria-pressed", on ? "true" : "false");
    });
    if (!keepUrl) { writeUrl(); }
  }

  function readUrl() {
    if (location.hash.indexOf("#view:") !== 0) { return false; }
    var params = {};
    location.hash.slice(6).split("&").forEach(function (p) {
      var i = p.indexOf("=");
      if (i > 0) { params[p.slice(0, i)] = p.slice(i + 1); }
    });
    function list(key) {
      return params[key] ? params[key].split(",").map(function (v) { return decodeURIComponent(v.replace(/\+/g, "%20")); }) : [];
    }
    text.value = params.q ? decodeURIComponent(params.q) : "";
    source.value = params.source ? decodeURIComponent(params.source) : "";
    action.value = params.action ? decodeURIComponent(params.action) : "";
    var flags = list("flag"), rules = list("rule");
    chips.forEach(function (c) {
      var kind = c.getAttribute("data-facet"), value = c.getAttribute("data-value");
      var on = (kind === "flag" && flags.indexOf(value) !== -1) || (kind === "rule" && rules.indexOf(value) !== -1);
      c.setAttribute("aria-pressed", on ? "true" : "false");
    });
    return true;
  }

  function toggleChip(kind, value, on) {
    chips.forEach(function (c) {
      if (c.getAttribute("data-facet") === kind && c.getAttribute("data-value") === value) {
        c.setAttribute("aria-pressed", (on === undefined ? c.getAttribute("aria-pressed") !== "true" : on) ? "true" : "false");
      }
    });
  }

  function clearAll() {
    text.value = ""; source.value = ""; action.value = "";
    chips.forEach(function (c) { c.setAttribute("aria-pressed", "false"); });
  }

  chips.forEach(function (chip) {
    chip.addEventListener("click", function () {
      toggleChip(chip.getAttribute("data-facet"), chip.getAttribute("data-value"));
      applyFilter();
    });
  });
  cards.forEach(function (card) {
    card.addEventListener("click", function () {
      var kind = card.getAttribute("data-facet"), value = card.getAttribute("data-value");
      if (kind === "all") { clearAll(); }
      if (kind === "action") { action.value = action.value === value ? "" : value; }
      if (kind === "flag") { toggleChip("flag", value); }
      applyFilter();
      document.getElementById("table").scrollIntoView();
    });
  });
  text.addEventListener("input", function () { applyFilter(); });
  source.addEventListener("change", function () { applyFilter(); });
  action.addEventListener("change", function () { applyFilter(); });
  document.getElementById("clear").addEventListener("click", function () { clearAll(); applyFilter(); });
  window.addEventListener("hashchange", function () { if (readUrl()) { applyFilter(true); } });

  // The visible rows as a CSV file, built in the page (a data: link; nothing leaves it).
  var columns = [["article_id", "data-id"], ["source", "data-source"], ["title", "data-title"],
    ["action", "data-action"], ["quality_score", "data-quality"], ["low_quality", "data-low"],
    ["spin_score", "data-spin"], ["spun", "data-spun"], ["flesch_reading_ease", "data-ease"],
    ["readability_band", "data-band"], ["near_duplicate_of", "data-dupof"],
    ["quality_flag_rules", "data-rules"], ["action_reason", "data-reason"]];
  function csvCell(value) {
    var v = String(value == null ? "" : value);
    // A leading = + - @ would make a spreadsheet run the cell as a formula.
    if (/^[=+\-@]/.test(v) && isNaN(Number(v))) { v = "'" + v; }
    return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function visibleCsv() {
    var lines = [columns.map(function (c) { return c[0]; }).join(",")];
    rows.forEach(function (row) {
      if (row.hidden) { return; }
      lines.push(columns.map(function (c) { return csvCell(row.getAttribute(c[1])); }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }
  window.__visibleCsv = visibleCsv;
  document.getElementById("export").addEventListener("click", function () {
    var a = document.createElement("a");
    a.href = "data:text/csv;charset=utf-8," + encodeURIComponent("\ufeff" + visibleCsv());
    a.download = "articles-visible.csv";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });

  // On a phone the rule chips start folded (they would fill the screen); an active one stays open.
  var ruleBox = document.querySelector(".rule-facets");
  if (ruleBox && window.innerWidth < 760) { ruleBox.open = false; }

  readUrl();
  applyFilter(true);
  if (ruleBox && active("rule").length) { ruleBox.open = true; }
}());
