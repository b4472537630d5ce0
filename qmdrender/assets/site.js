// Copy buttons on code blocks and a client-side search over window.QR_SEARCH (no network needed).
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }

  function addCopyButtons() {
    document.querySelectorAll("div.sourceCode, pre:not(.cell-output)").forEach(function (block) {
      if (block.tagName === "PRE" && block.parentElement.classList.contains("sourceCode")) { return; }
      if (block.querySelector(":scope > .copy-button")) { return; }
      var code = block.querySelector("code") || block;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      button.addEventListener("click", function () {
        copyText(code.innerText).then(function () {
          button.textContent = "Copied";
          button.classList.add("copied");
          setTimeout(function () { button.textContent = "Copy"; button.classList.remove("copied"); }, 1500);
        });
      });
      block.appendChild(button);
    });
  }

  function search() {
    var input = document.getElementById("search-input");
    var box = document.getElementById("search-results");
    if (!input || !box || !window.QR_SEARCH) { return; }
    var root = window.QR_ROOT || ".";
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      box.innerHTML = "";
      if (!words.length) { box.hidden = true; return; }
      var hits = window.QR_SEARCH.map(function (page) {
        var hay = (page.title + " " + page.text).toLowerCase();
        if (!words.every(function (w) { return hay.indexOf(w) >= 0; })) { return null; }
        var score = words.reduce(function (s, w) { return s + (page.title.toLowerCase().indexOf(w) >= 0 ? 10 : 1); }, 0);
        return { page: page, score: score };
      }).filter(Boolean).sort(function (a, b) { return b.score - a.score; }).slice(0, 12);
      hits.forEach(function (hit) {
        var a = document.createElement("a");
        a.href = root + "/" + hit.page.href;
        var at = hit.page.text.toLowerCase().indexOf(words[0]);
        var snippet = at >= 0 ? hit.page.text.substr(Math.max(0, at - 40), 120) : hit.page.text.substr(0, 120);
        var title = document.createElement("div");
        title.className = "hit-title";
        title.textContent = hit.page.title;
        var text = document.createElement("div");
        text.className = "hit-snippet";
        text.textContent = snippet;
        a.appendChild(title);
        a.appendChild(text);
        box.appendChild(a);
      });
      if (!hits.length) {
        var none = document.createElement("div");
        none.className = "hit-snippet";
        none.style.padding = ".5rem .8rem";
        none.textContent = "No page mentions that.";
        box.appendChild(none);
      }
      box.hidden = false;
    });
    document.addEventListener("click", function (e) {
      if (!box.contains(e.target) && e.target !== input) { box.hidden = true; }
    });
  }

  // Zoo tables (inside a div.zoo-table): a filter box above each, and headers that sort on click
  // (numbers by value, "–" last).  Rows keep their anchors, so links to #H100 still land.
  function cellValue(cell) {
    var text = cell.textContent.trim();
    var number = parseFloat(text.replace(/[,$×]/g, ""));
    return isNaN(number) ? text.toLowerCase() : number;
  }

  function sortableTables() {
    document.querySelectorAll("div.zoo-table table").forEach(function (table) {
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
      table.parentNode.insertBefore(filter, table);
      Array.prototype.forEach.call(table.tHead ? table.tHead.rows[0].cells : [], function (th, column) {
        th.classList.add("zoo-sortable");
        th.title = "Sort by " + th.textContent.trim();
        th.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = cellValue(a.cells[column]), y = cellValue(b.cells[column]);
            var xMissing = x === "–" || x === "", yMissing = y === "–" || y === "";
            if (xMissing !== yMissing) { return xMissing ? 1 : -1; }
            if (typeof x !== typeof y) { x = String(x); y = String(y); }
            return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { addCopyButtons(); search(); sortableTables(); });
})();
