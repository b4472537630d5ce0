"""Every figure on the site is legible at the desktop width: text at least 9 pt on screen, and no two labels overlap.

Figures are SVGs embedded as images.  The browser lays each one out again, inline at the width the page
gives its image, and measures every text element where it lands (rotation and scaling included).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

MIN_TEXT_PX = 11.9  # 9 pt at 96 px per inch, less the sub-pixel shrink of an image scaled to its column
OVERLAP = 0.2  # two labels overlap when they share more than this fraction of the smaller one's area

MEASURE = """
([minPx, overlap]) => {
  const problems = [];
  const images = [...document.querySelectorAll("main img")].filter(i => i.src.startsWith("data:image/svg+xml"));
  images.forEach((img, n) => {
    const width = img.getBoundingClientRect().width;
    if (width === 0) { return; }
    const bytes = Uint8Array.from(atob(img.src.split(",")[1]), c => c.charCodeAt(0));
    const markup = new TextDecoder().decode(bytes).replace(/^[\\s\\S]*?(<svg\\b)/, "$1");
    const host = document.createElement("div");
    host.style.cssText = `position:absolute;left:0;top:0;width:${width}px`;
    host.innerHTML = markup;
    const svg = host.querySelector("svg");
    svg.setAttribute("width", `${width}px`);
    svg.removeAttribute("height");
    document.body.appendChild(host);
    const name = img.closest("figure")?.id || img.alt || `figure ${n + 1}`;
    const labels = [];
    svg.querySelectorAll("text").forEach(t => {
      const text = t.textContent.trim();
      if (!text) { return; }
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (px < minPx) { problems.push(`${name}: "${text}" is ${px.toFixed(1)} px`); }
      // Mathtext is one text element of positioned tspans: its box is the union of the non-blank ones.
      const parts = [...t.querySelectorAll("tspan")].filter(s => s.textContent.trim());
      const rects = (parts.length ? parts : [t]).map(e => e.getBoundingClientRect());
      const box = {
        left: Math.min(...rects.map(r => r.left)), right: Math.max(...rects.map(r => r.right)),
        top: Math.min(...rects.map(r => r.top)), bottom: Math.max(...rects.map(r => r.bottom)),
      };
      box.width = box.right - box.left;
      box.height = box.bottom - box.top;
      labels.push([text.replace(/\\s+/g, ""), box]);
    });
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const [ta, a] = labels[i], [tb, b] = labels[j];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        const smaller = Math.min(a.width * a.height, b.width * b.height);
        if (w > 0 && h > 0 && smaller > 0 && w * h > overlap * smaller) {
          problems.push(`${name}: "${ta}" overlaps "${tb}"`);
        }
      }
    }
    host.remove();
  });
  return [images.length, problems];
}
"""


def test_every_figure_is_legible_at_desktop_width(chromium, site_url, site):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    problems, figures = [], 0
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel.startswith("pagefind/") or "data:image/svg+xml" not in html.read_text(encoding="utf-8"):
            continue
        page.goto(f"{site_url}/{rel}")
        page.wait_for_load_state("load")
        count, found = page.evaluate(MEASURE, [MIN_TEXT_PX, OVERLAP])
        figures += count
        problems += [f"{rel}: {p}" for p in found]
    context.close()
    assert figures >= 20, f"only {figures} figures found: are figures still embedded as SVG images?"
    assert not problems, "figures a reader cannot read:\n" + "\n".join(problems)
