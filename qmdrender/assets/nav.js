// Page chrome: the navbar's menu toggle, the off-canvas sidebar, the dark-mode toggle (the choice is kept in
// localStorage; the snippet in <head> applies it before the first paint), and the TOC's current section.
(function () {
  "use strict";
  var KEY = "qr-theme";

  function navbarMenu() {
    var toggler = document.getElementById("navbar-toggler");
    var menu = document.getElementById("navbar-menu");
    if (!toggler || !menu) { return; }
    toggler.addEventListener("click", function () {
      var open = !menu.classList.contains("show");
      menu.classList.toggle("show", open);
      toggler.setAttribute("aria-expanded", String(open));
    });
  }

  function sidebar() {
    var bar = document.getElementById("sidebar");
    var toggle = document.getElementById("sidebar-toggle");
    var close = document.getElementById("sidebar-close");
    var backdrop = document.getElementById("sidebar-backdrop");
    if (!bar || !toggle) { return; }
    function set(open) {
      bar.classList.toggle("open", open);
      backdrop.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      if (open) { (bar.querySelector("a.active") || close).focus({ preventScroll: true }); } else { toggle.focus(); }
    }
    toggle.addEventListener("click", function () { set(!bar.classList.contains("open")); });
    close.addEventListener("click", function () { set(false); });
    backdrop.addEventListener("click", function () { set(false); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && bar.classList.contains("open")) { set(false); }
    });
  }

  function theme() {
    var button = document.getElementById("theme-toggle");
    var root = document.documentElement;
    var system = window.matchMedia("(prefers-color-scheme: dark)");
    function show(dark) {
      root.setAttribute("data-theme", dark ? "dark" : "light");
      if (button) {
        button.setAttribute("aria-pressed", String(dark));
        button.title = dark ? "Switch to light mode" : "Switch to dark mode";
      }
    }
    function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
    show(root.getAttribute("data-theme") === "dark");
    if (button) {
      button.addEventListener("click", function () {
        var dark = root.getAttribute("data-theme") !== "dark";
        try { localStorage.setItem(KEY, dark ? "dark" : "light"); } catch (e) { /* private mode: not kept */ }
        show(dark);
      });
    }
    system.addEventListener("change", function (e) { if (!stored()) { show(e.matches); } });
  }

  // Highlight, in the TOC, the last section whose heading has scrolled past the top.
  function tocSpy() {
    var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
    var targets = links.map(function (a) { return document.getElementById(decodeURIComponent(a.hash.slice(1))); });
    if (!links.length) { return; }
    function update() {
      var offset = 90, current = -1;
      targets.forEach(function (t, i) { if (t && t.getBoundingClientRect().top <= offset) { current = i; } });
      links.forEach(function (a, i) { a.classList.toggle("active", i === current); });
    }
    window.addEventListener("scroll", update, { passive: true });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () { navbarMenu(); sidebar(); theme(); tocSpy(); });
})();
