// Tables: every table in the content scrolls sideways inside a frame (the renderer frames Markdown tables;
// tables that cells wrote as HTML are framed here), the first column stays in view, and a shadow marks the
// side with more to see.  Zoo tables (inside div.zoo-table) also get a filter box and sortable headers.
(function () {
  "use strict";

  var LONG_CELL = 24;  // characters: longer cells wrap, shorter ones stay on one line (as quarto.lua marks them)

  function frame(table) {
    var scroll = table.parentElement;
    if (scroll.classList.contains("table-scroll")) { return scroll.parentElement; }
    var outer = document.createElement("div");
    outer.className = "table-frame";
    scroll = document.createElement("div");
    scroll.className = "table-scroll";
    scroll.tabIndex = 0;
    scroll.setAttribute("role", "region");
    scroll.setAttribute("aria-label", "Table");
    table.parentNode.insertBefore(outer, table);
    outer.appendChild(scroll);
    scroll.appendChild(table);
    Array.prototype.forEach.call(table.querySelectorAll("td"), function (td) {
      if (td.textContent.trim().length > LONG_CELL) { td.classList.add("wrap"); }
    });
    return outer;
  }

  function watch(outer) {
    var scroll = outer.querySelector(".table-scroll");
    function update() {
      var more = scroll.scrollWidth - scroll.clientWidth - scroll.scrollLeft;
      outer.classList.toggle("scrolled", scroll.scrollLeft > 1);
      outer.classList.toggle("more-right", more > 1);
    }
    scroll.addEventListener("scroll", update, { passive: true });
    if (window.ResizeObserver) { new ResizeObserver(update).observe(scroll); }
    update();
  }

  // A number's SI or binary prefix, from the unit written after it ("47.51 kB", "80 GiB", "64 MFLOP/s") or,
  // for a bare number, from the column's header ("FP16/BF16 TFLOP/s"), so a column that mixes kB, MB and GB,
  // or GFLOP/s inside TFLOP/s, sorts by value.
  var PREFIXES = { Ki: 1024, Mi: 1048576, Gi: 1073741824, Ti: 1099511627776, k: 1e3, K: 1e3, M: 1e6, G: 1e9,
                   T: 1e12, P: 1e15, E: 1e18, m: 1e-3, "µ": 1e-6, u: 1e-6, n: 1e-9 };

  function prefixScale(unit) {
    var m = /^(Ki|Mi|Gi|Ti|[kKMGTPEmµun])(?=(?:FLOP|B|bps|W|Wh|J|param|token|s|g|Hz)(?![a-z]))/.exec(unit || "");
    return m ? PREFIXES[m[1]] : 1;
  }

  function headerScale(th) {
    var m = /\s([A-Za-zµ]+)(?:\/\w+)?\s*$/.exec(th ? th.textContent.replace(/[↕↑↓]/g, "").trim() : "");
    return m ? prefixScale(m[1]) : 1;
  }

  function cellValue(cell, scale) {
    var text = cell.textContent.trim();
    var m = /^[$]?(-?[\d,]*\.?\d+(?:e[-+]?\d+)?)\s*[×]?\s*([A-Za-zµ]\S*)?/.exec(text);
    if (!m) { return text.toLowerCase(); }
    var number = parseFloat(m[1].replace(/,/g, ""));
    return number * (m[2] ? prefixScale(m[2]) : scale);
  }

  // Filter box above the table, headers that sort on click (numbers by value, "–" last); rows keep their
  // anchors, so links to #H100 still land.
  function zoo(table, outer) {
    var body = table.tBodies[0];
    if (!body || table.dataset.zooReady) { return; }
    table.dataset.zooReady = "1";
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "zoo-filter";
    filter.placeholder = "Filter " + body.rows.length + " rows…";
    filter.setAttribute("aria-label", "Filter the table's rows");
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(body.rows, function (row) {
        var hay = row.textContent.toLowerCase();
        row.hidden = !words.every(function (w) { return hay.indexOf(w) >= 0; });
      });
    });
    outer.parentNode.insertBefore(filter, outer);
    Array.prototype.forEach.call(table.tHead ? table.tHead.rows[0].cells : [], function (th, column) {
      th.classList.add("zoo-sortable");
      th.title = "Sort by " + th.textContent.trim();
      var scale = headerScale(th);
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[column], scale), y = cellValue(b.cells[column], scale);
          var xMissing = x === "–" || x === "", yMissing = y === "–" || y === "";
          if (xMissing !== yMissing) { return xMissing ? 1 : -1; }
          if (typeof x !== typeof y) { x = String(x); y = String(y); }
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.parentElement.closest("table")) { return; }
      var outer = frame(table);
      watch(outer);
      if (table.closest("div.zoo-table")) { zoo(table, outer); }
    });
  });
})();
