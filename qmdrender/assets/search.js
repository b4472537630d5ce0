// Site search over the Pagefind index in pagefind/ (built with the site; no server or network needed).
// A dialog opened by the navbar button, "/" or Ctrl-K: results by page with highlighted excerpts, and under
// each page its matching sections (Pagefind's sub-results, split at headings with ids).  A search for an
// element's id (a registry name such as H100_PCIe, whose zoo row carries it) also lists that element, so the
// result lands on the row.  Arrow keys choose a result, Enter opens it, Escape closes the dialog.
(function () {
  "use strict";
  var MAX_PAGES = 8, LOADED = 20, MAX_SUBS = 3;  // pages shown, pages read (to find named anchors), sections
  var root = document.documentElement.getAttribute("data-root") || ".";
  var loading = null, dialog, input, list, status, opener = null, active = -1, options = [];

  function url(path) { return new URL(path, document.baseURI); }

  function pagefind() {
    if (!loading) {
      var bundle = url(root + "/pagefind/");
      loading = import(new URL("pagefind.js", bundle).href).then(function (pf) {
        return pf.options({ bundlePath: bundle.pathname, baseUrl: url(root + "/").pathname, excerptLength: 22 })
          .then(function () { pf.init(); return pf; });
      });
    }
    return loading;
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  function squash(text) { return String(text || "").toLowerCase().replace(/[^a-z0-9]+/g, ""); }

  // The words of the page around ``location`` (Pagefind's content splits on whitespace into its locations).
  function excerptAt(data, location, term) {
    var words = (data.content || "").split(/\s+/);
    var wanted = squash(term);
    return words.slice(Math.max(0, location - 3), location + 16).map(function (w) {
      var safe = escapeHtml(w);
      return wanted && squash(w).indexOf(wanted) >= 0 ? "<mark>" + safe + "</mark>" : safe;
    }).join(" ");
  }

  function sections(data, term) {
    var found = [], wanted = squash(term);
    (data.anchors || []).forEach(function (a) {
      if (wanted && !/^h[1-6]$/i.test(a.element) && squash(a.id) === wanted) {
        found.push({ title: a.id, url: data.url.split("#")[0] + "#" + a.id, excerpt: excerptAt(data, a.location, term),
                     named: true });
      }
    });
    (data.sub_results || []).forEach(function (s) {
      if (s.anchor && !found.some(function (f) { return f.url === s.url; })) {
        found.push({ title: s.title, url: s.url, excerpt: s.excerpt });
      }
    });
    return found.slice(0, MAX_SUBS + found.filter(function (f) { return f.named; }).length);
  }

  function option(cls, href, title, excerpt) {
    var a = document.createElement("a");
    a.className = "search-hit " + cls;
    a.href = href;
    a.id = "search-option-" + options.length;
    a.setAttribute("role", "option");
    a.setAttribute("aria-selected", "false");
    a.tabIndex = -1;
    a.innerHTML = '<span class="hit-title">' + escapeHtml(title) + "</span>" +
      (excerpt ? '<span class="hit-excerpt">' + excerpt + "</span>" : "");
    a.addEventListener("mousemove", function () { select(options.indexOf(a), false); });
    options.push(a);
    return a;
  }

  function show(term, pages) {
    list.replaceChildren();
    options = [];
    active = -1;
    pages.forEach(function (page) {
      var item = document.createElement("li");
      item.className = "search-page";
      item.setAttribute("role", "presentation");
      item.appendChild(option("search-hit-page", page.data.url, page.data.meta.title || page.data.url, page.data.excerpt));
      if (page.subs.length) {
        var group = document.createElement("ul");
        group.setAttribute("role", "group");
        page.subs.forEach(function (s) {
          var li = document.createElement("li");
          li.setAttribute("role", "presentation");
          li.appendChild(option("search-hit-sub" + (s.named ? " search-hit-named" : ""), s.url, s.title, s.excerpt));
          group.appendChild(li);
        });
        item.appendChild(group);
      }
      list.appendChild(item);
    });
    input.setAttribute("aria-expanded", String(pages.length > 0));
    input.removeAttribute("aria-activedescendant");
    status.textContent = pages.length ? "" : "No page mentions “" + term + "”.";
    if (pages.length) { select(0, false); }
  }

  function run(term) {
    if (!term.trim()) { list.replaceChildren(); options = []; status.textContent = ""; return; }
    pagefind().then(function (pf) { return pf.debouncedSearch(term, {}, 120); }).then(function (search) {
      if (!search) { return null; }  // a newer search superseded this one
      return Promise.all(search.results.slice(0, LOADED).map(function (r) { return r.data(); }));
    }).then(function (results) {
      if (!results || input.value !== term) { return; }
      var pages = results.map(function (data) { return { data: data, subs: sections(data, term) }; });
      var named = function (p) { return p.subs.some(function (s) { return s.named; }) ? 0 : 1; };
      pages.sort(function (a, b) { return named(a) - named(b); });  // stable: Pagefind's order otherwise
      show(term, pages.slice(0, MAX_PAGES));
    }).catch(function (error) {
      status.textContent = "Search is unavailable (" + error.message + "). Serve the site over HTTP to use it.";
    });
  }

  function select(index, scroll) {
    if (!options.length) { return; }
    if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
    active = (index + options.length) % options.length;
    options[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", options[active].id);
    if (scroll) { options[active].scrollIntoView({ block: "nearest" }); }
  }

  function build() {
    dialog = document.createElement("div");
    dialog.className = "search-dialog";
    dialog.id = "search-dialog";
    dialog.hidden = true;
    dialog.innerHTML =
      '<div class="search-backdrop"></div>' +
      '<div class="search-panel" role="dialog" aria-modal="true" aria-label="Search the site">' +
      '<div class="search-field"><input id="search-input" type="search" role="combobox" aria-expanded="false" ' +
      'aria-controls="search-results" aria-autocomplete="list" placeholder="Search the site" autocomplete="off" ' +
      'spellcheck="false"><button type="button" class="search-close" aria-label="Close search">Esc</button></div>' +
      '<p class="search-status" role="status" aria-live="polite"></p>' +
      '<ul class="search-results" id="search-results" role="listbox" aria-label="Search results"></ul>' +
      '<p class="search-keys" aria-hidden="true"><kbd>↑</kbd><kbd>↓</kbd> choose <kbd>Enter</kbd> open ' +
      "<kbd>Esc</kbd> close</p></div>";
    document.body.appendChild(dialog);
    input = dialog.querySelector("input");
    list = dialog.querySelector(".search-results");
    status = dialog.querySelector(".search-status");
    input.addEventListener("input", function () { run(input.value); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        select(active + (e.key === "ArrowDown" ? 1 : -1), true);
      } else if (e.key === "Enter" && active >= 0 && options[active]) {
        e.preventDefault();
        close(false);
        window.location.href = options[active].href;
      }
    });
    dialog.querySelector(".search-close").addEventListener("click", function () { close(true); });
    dialog.querySelector(".search-backdrop").addEventListener("click", function () { close(true); });
    list.addEventListener("click", function (e) { if (e.target.closest("a")) { close(false); } });
    dialog.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); close(true); }
    });
    document.addEventListener("focusin", function (e) {  // keep focus inside while the dialog is open
      if (!dialog.hidden && !dialog.contains(e.target)) { input.focus(); }
    });
  }

  function open() {
    if (!dialog) { build(); }
    opener = document.activeElement;
    dialog.hidden = false;
    document.documentElement.classList.add("search-open");
    input.focus();
    input.select();
    pagefind().catch(function () { /* reported when a search runs */ });
  }

  function close(restore) {
    if (!dialog || dialog.hidden) { return; }
    input.blur();  // a hidden input keeps the focus otherwise, and "/" typed next would go to it
    dialog.hidden = true;
    document.documentElement.classList.remove("search-open");
    if (restore && opener && opener !== document.body && opener.focus) { opener.focus(); }
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("search-open");
    if (button) { button.addEventListener("click", open); }
    document.addEventListener("keydown", function (e) {
      var shortcut = (e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey);
      if (shortcut || (e.key === "/" && !typing(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey)) {
        e.preventDefault();
        open();
      }
    });
  });
})();
