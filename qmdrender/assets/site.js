// Copy buttons on code blocks, folded ones included (Quarto's code-copy).
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
    document.querySelectorAll("main div.sourceCode, main pre").forEach(function (block) {
      if (block.tagName === "PRE" && (block.parentElement.classList.contains("sourceCode") ||
                                      block.closest(".cell-output"))) { return; }
      if (block.querySelector(":scope > .copy-button")) { return; }
      var code = block.querySelector("code") || block;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      button.addEventListener("click", function () {
        copyText(code.textContent).then(function () {
          button.textContent = "Copied";
          button.classList.add("copied");
          setTimeout(function () { button.textContent = "Copy"; button.classList.remove("copied"); }, 1500);
        });
      });
      block.appendChild(button);
    });
  }

  document.addEventListener("DOMContentLoaded", addCopyButtons);
})();
