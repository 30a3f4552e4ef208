(function () {
  "use strict";
  var table = document.getElementById("ranking");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var controls = document.getElementById("ranking-controls");
  var text = document.getElementById("filter-text");
  var verdict = document.getElementById("filter-verdict");
  var level = document.getElementById("filter-level");
  var status = document.getElementById("ranking-status");
  var nojs = document.getElementById("ranking-nojs");
  controls.hidden = false;
  if (nojs) { nojs.hidden = true; }

  function applyFilter() {
    var needle = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!needle || row.getAttribute("data-search").indexOf(needle) !== -1) &&
        (!verdict.value || row.getAttribute("data-verdict") === verdict.value) &&
        (!level.value || row.getAttribute("data-level") === level.value);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    status.textContent = status.getAttribute("data-template")
      .replace("{shown}", String(shown)).replace("{total}", String(rows.length));
  }

  function cellValue(cell) {
    return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
  }

  function sortBy(th, index, type) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = cellValue(a.cells[index]);
      var y = cellValue(b.cells[index]);
      var result;
      if (type === "number") {
        var nx = x === "" ? -1 : parseFloat(x);
        var ny = y === "" ? -1 : parseFloat(y);
        result = nx - ny;
      } else {
        result = x.localeCompare(y);
      }
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    var type = th.getAttribute("data-sort");
    if (!type) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th, index, type); });
  });
  // the ranking's two orders: by rank (best first, as written) and worst first; `report.html#worst`
  // opens worst first
  var order = document.getElementById("order");
  function applyOrder() {
    var key = order.value === "worst" ? "data-worst" : "data-rank";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    rows.sort(function (a, b) {
      return parseInt(a.getAttribute(key), 10) - parseInt(b.getAttribute(key), 10);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  if (window.location.hash === "#worst") { order.value = "worst"; }
  order.addEventListener("change", applyOrder);
  applyOrder();
  [text, verdict, level].forEach(function (control) {
    control.addEventListener("input", applyFilter);
    control.addEventListener("change", applyFilter);
  });
  applyFilter();
}());
