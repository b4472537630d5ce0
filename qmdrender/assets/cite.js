// Citation previews: hovering or focusing a citation shows its full bibliography entry (Quarto's
// citations-hover).  Citeproc links each citation to the entry's id (link-citations), so the preview is
// a copy of that entry, placed next to the link and kept inside the window.
(function () {
  "use strict";
  var tip = null, current = null, hideTimer = null;

  function entry(link) {
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    return id ? document.getElementById(id) : null;
  }

  function place(link) {
    var rect = link.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    var left = Math.min(Math.max(8, rect.left), Math.max(8, width - tip.offsetWidth - 8));
    var below = rect.bottom + 6 + tip.offsetHeight <= window.innerHeight || rect.top < tip.offsetHeight + 6;
    var top = below ? rect.bottom + 6 : rect.top - tip.offsetHeight - 6;
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (top + window.scrollY) + "px";
  }

  function show(link) {
    var source = entry(link);
    if (!source) { return; }
    clearTimeout(hideTimer);
    var copy = source.cloneNode(true);
    copy.removeAttribute("id");
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    tip.replaceChildren(copy);
    tip.hidden = false;
    tip.style.left = "0px";
    tip.style.top = "0px";
    place(link);
    if (current && current !== link) { current.removeAttribute("aria-describedby"); }
    current = link;
    link.setAttribute("aria-describedby", "cite-preview");
  }

  function hide(now) {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () {
      tip.hidden = true;
      if (current) { current.removeAttribute("aria-describedby"); current = null; }
    }, now ? 0 : 150);
  }

  function citation(target) {
    return target && target.closest ? target.closest('a[role="doc-biblioref"][href^="#"]') : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.querySelector('a[role="doc-biblioref"]')) { return; }
    tip = document.createElement("div");
    tip.id = "cite-preview";
    tip.className = "cite-preview";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    document.body.appendChild(tip);
    document.addEventListener("mouseover", function (e) {
      var link = citation(e.target);
      if (link) { show(link); } else if (tip.contains(e.target)) { clearTimeout(hideTimer); }
    });
    document.addEventListener("mouseout", function (e) {
      if (citation(e.target) || tip.contains(e.target)) { hide(false); }
    });
    document.addEventListener("focusin", function (e) { var link = citation(e.target); if (link) { show(link); } });
    document.addEventListener("focusout", function (e) { if (citation(e.target)) { hide(true); } });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape" && !tip.hidden) { hide(true); } });
  });
})();
