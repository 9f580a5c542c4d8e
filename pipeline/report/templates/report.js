// Sorting and filtering of the articles table; no library, no network.
(function () {
  "use strict";
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

  function applyFilter() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var hay = row.textContent.toLowerCase();
      var ok = words.every(function (w) { return hay.indexOf(w) !== -1; }) &&
        (!source.value || row.getAttribute("data-source") === source.value) &&
        (!action.value || row.getAttribute("data-action") === action.value);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " articles";
  }
  text.addEventListener("input", applyFilter);
  source.addEventListener("change", applyFilter);
  action.addEventListener("change", applyFilter);

  // Following a link to an article opens its details.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
}());
