"""The built site in Debian's Chromium, driven by Playwright: what a reader of a Quarto site gets.

Navigation (sidebar, previous/next, breadcrumbs, heading anchors, table of contents), the phone layout,
dark mode, wide tables, folded code, figure cross-references, citation previews and Pagefind search.
Most tests read the real site; folded code and cross-references also come from a small page of their own,
so they do not depend on what the tutorials use.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from site_server import serve

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(site_url):
    return site_url  # the built site, served once per session by conftest


FEATURES = """\
    ---
    title: "Features"
    ---

    ## Where the figure is

    The line is drawn in @fig-line, and the engine's roofline is due to @williams2009roofline.

    FILLER

    ## The figure

    ```{python}
    #| code-fold: true
    #| label: fig-line
    #| fig-cap: "A straight line."
    import matplotlib.pyplot as plt
    plt.plot([0, 1], [0, 1]); plt.show()
    ```
    """


@pytest.fixture(scope="module")
def features(tmp_path_factory):
    """A one-page site with folded code, a numbered figure and a cross-reference to it.

    Built by the command line, in a process of its own: Playwright's event loop may already run in this one."""
    root = tmp_path_factory.mktemp("features")
    bib = ROOT / "references.bib"
    (root / "references.bib").write_text(bib.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "_quarto.yml").write_text('project:\n  output-dir: _site\nwebsite:\n  title: "F"\nbibliography: references.bib\n')
    filler = "\n\n    ".join(["Filler paragraph that pushes the figure below the first screen."] * 40)
    (root / "index.qmd").write_text(textwrap.dedent(FEATURES.replace("FILLER", filler)))
    subprocess.run([sys.executable, "-m", "qmdrender", "--root", str(root), "--no-cache"], cwd=ROOT, check=True,
                   capture_output=True)
    httpd, url = serve(root / "_site")
    yield url
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium  # Debian's chromium, launched once per module by conftest


def _watch(pg):
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("requestfailed", lambda r: pg.problems.append(f"failed request: {r.url}"))
    pg.on("response", lambda r: pg.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    return pg


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    yield _watch(context.new_page())
    context.close()


@pytest.fixture()
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield _watch(context.new_page())
    context.close()


def _pages(site: Path) -> list[str]:
    return [p.relative_to(site).as_posix() for p in sorted(site.rglob("*.html"))]


def test_every_page_loads_cleanly(page, server, site):
    for rel in _pages(site):
        page.goto(f"{server}/{rel}")
        page.wait_for_load_state("load")
        assert page.title(), rel
    assert page.problems == []


def test_sidebar_navigates(page, server):
    page.goto(f"{server}/index.html")
    page.click(".sidebar >> text=Hardware")
    page.wait_for_url("**/zoo/hardware.html")
    assert page.locator("h1.title").inner_text() == "Hardware"
    assert page.locator(".sidebar a.active").inner_text() == "Hardware"


def test_copy_button_copies_the_code(page, server):
    page.goto(f"{server}/getting-started.html")
    block = page.locator("div.sourceCode", has_text="from mlsysim import").first
    block.hover()
    block.locator(".copy-button").click()
    page.wait_for_function("document.querySelector('.copy-button.copied') !== null")
    assert "from mlsysim import" in page.evaluate("navigator.clipboard.readText()")


# --- Navigation: previous/next, breadcrumbs, heading anchors, table of contents ---------------------

def test_previous_and_next_links_follow_the_sidebar(page, server):
    page.goto(f"{server}/tutorials/03_serving_70b_on_a_node.html")
    prev, nxt = page.locator(".page-navigation a[rel=prev]"), page.locator(".page-navigation a[rel=next]")
    assert "The memory wall" in prev.inner_text() and "Mixture of experts" in nxt.inner_text()
    nxt.click()
    page.wait_for_url("**/tutorials/04_mixture_of_experts.html")
    page.locator(".page-navigation a[rel=prev]").click()
    page.wait_for_url("**/tutorials/03_serving_70b_on_a_node.html")
    page.goto(f"{server}/index.html")  # the first page of the sidebar has no previous page
    assert page.locator(".page-navigation a[rel=prev]").count() == 0
    assert "Installation and first solve" in page.locator(".page-navigation a[rel=next]").inner_text()


def test_breadcrumbs_show_the_section_above_the_title(page, server):
    page.goto(f"{server}/tutorials/06_scaling_1000_gpus.html")
    crumbs = page.locator(".title-block .breadcrumbs")
    assert crumbs.is_visible()
    assert crumbs.locator("li").all_inner_texts() == ["Tutorials", "Scaling to 1,000 GPUs"]
    assert crumbs.bounding_box()["y"] + crumbs.bounding_box()["height"] <= page.locator("h1.title").bounding_box()["y"]
    crumbs.locator("a", has_text="Tutorials").click()
    page.wait_for_url("**/tutorials/index.html")


def _opacity(locator) -> float:
    return float(locator.evaluate("el => getComputedStyle(el).opacity"))


def test_heading_anchors_appear_on_hover_and_on_focus(page, server):
    page.goto(f"{server}/tutorials/03_serving_70b_on_a_node.html")
    heading = page.locator("main h2[id]").nth(1)
    anchor = heading.locator("a.anchor-link")
    assert anchor.get_attribute("href") == "#" + heading.get_attribute("id")
    assert _opacity(anchor) == 0
    heading.hover()
    page.wait_for_function("el => getComputedStyle(el).opacity === '1'", arg=anchor.element_handle())
    page.mouse.move(5, 500)
    page.wait_for_function("el => getComputedStyle(el).opacity === '0'", arg=anchor.element_handle())
    anchor.focus()
    page.wait_for_function("el => getComputedStyle(el).opacity === '1'", arg=anchor.element_handle())


def test_long_pages_have_a_table_of_contents_beside_or_below_the_content(page, phone, server):
    page.goto(f"{server}/tutorials/03_serving_70b_on_a_node.html")
    toc, main = page.locator("nav#TOC"), page.locator("main")
    assert toc.is_visible() and toc.locator("a").count() >= 2
    assert toc.bounding_box()["x"] >= main.bounding_box()["x"] + main.bounding_box()["width"]
    link = toc.locator("a").nth(1)
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{target}")
    phone.goto(f"{server}/tutorials/03_serving_70b_on_a_node.html")
    toc, body = phone.locator("nav#TOC"), phone.locator("main")
    assert toc.is_visible() and toc.bounding_box()["y"] >= body.bounding_box()["y"] + body.bounding_box()["height"] - 1


# --- The phone layout -----------------------------------------------------------------------------

def test_no_page_scrolls_sideways_on_a_phone(phone, server, site):
    wide = []
    for rel in _pages(site):
        phone.goto(f"{server}/{rel}")
        phone.wait_for_load_state("load")
        scroll, client = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client:
            wide.append(f"{rel} ({scroll} px in {client} px)")
    assert wide == []


def test_phone_sidebar_opens_and_closes(phone, server):
    phone.goto(f"{server}/tutorials/03_serving_70b_on_a_node.html")
    sidebar, toggle = phone.locator("#sidebar"), phone.locator("#sidebar-toggle")
    assert not sidebar.is_visible() and toggle.is_visible()
    assert phone.locator("main h1.title").bounding_box()["y"] < 250  # content first
    toggle.click()
    phone.wait_for_function("document.getElementById('sidebar').getBoundingClientRect().left >= 0")
    assert sidebar.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert sidebar.locator("a.active").inner_text() == "Serving a 70B model on one node"
    phone.locator("#sidebar-close").click()
    phone.wait_for_function("getComputedStyle(document.getElementById('sidebar')).visibility === 'hidden'")
    toggle.click()
    phone.wait_for_function("document.getElementById('sidebar').getBoundingClientRect().left >= 0")
    phone.keyboard.press("Escape")
    phone.wait_for_function("getComputedStyle(document.getElementById('sidebar')).visibility === 'hidden'")


def test_phone_navbar_collapses_behind_a_toggle(phone, server):
    phone.goto(f"{server}/index.html")
    links, toggler = phone.locator("#navbar-menu .nav-link"), phone.locator("#navbar-toggler")
    assert toggler.is_visible() and not links.first.is_visible()
    toggler.click()
    assert links.first.is_visible() and toggler.get_attribute("aria-expanded") == "true"
    phone.locator("#navbar-menu .nav-link", has_text="Zoo").click()
    phone.wait_for_url("**/zoo/index.html")


# --- Dark mode --------------------------------------------------------------------------------------

def _background(pg) -> str:
    return pg.evaluate("getComputedStyle(document.body).backgroundColor")


def test_dark_mode_toggle_changes_the_colours_and_is_remembered(page, server):
    page.goto(f"{server}/tutorials/03_serving_70b_on_a_node.html")
    light = _background(page)
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.click("#theme-toggle")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark" and _background(page) != light
    assert page.locator("#theme-toggle").get_attribute("aria-pressed") == "true"
    page.goto(f"{server}/zoo/hardware.html")  # the choice is kept, and applied before the first paint
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    figure = page.locator("figure img").first
    assert figure.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 255, 255)"  # a light card
    page.click("#theme-toggle")
    assert _background(page) == light


def test_dark_mode_follows_the_system_setting(browser, server):
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    pg = context.new_page()
    pg.goto(f"{server}/index.html")
    assert pg.evaluate("document.documentElement.dataset.theme") == "dark"
    assert _background(pg) == "rgb(18, 21, 27)"
    context.close()


# --- Tables, folded code, cross-references, citations ---------------------------------------------------

def test_a_wide_zoo_table_keeps_its_first_column_in_view(page, server):
    page.goto(f"{server}/zoo/hardware.html#H100")
    frame = page.locator(".zoo-table .table-frame").first
    scroller = frame.locator(".table-scroll")
    first, other = frame.locator("tbody tr").first.locator("td").nth(0), frame.locator("tbody tr").first.locator("td").nth(3)
    assert "more-right" in frame.get_attribute("class") and "scrolled" not in frame.get_attribute("class")
    before_first, before_other = first.bounding_box()["x"], other.bounding_box()["x"]
    scroller.evaluate("el => { el.scrollLeft = 400; }")
    page.wait_for_function("el => el.classList.contains('scrolled')", arg=frame.element_handle())
    assert abs(first.bounding_box()["x"] - before_first) < 1  # the name column stays
    assert other.bounding_box()["x"] < before_other - 300  # the rest moves
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_function("el => !el.classList.contains('more-right')", arg=frame.element_handle())


UNIT_PREFIX = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def _value(cell: str) -> float:
    """ "5,632 KiB" → 5,767,168 (bytes); "0.4 GB/s" → 4e8."""
    import re

    number, prefix = re.match(r"([\d,.]+)\s*(Ki|Mi|Gi|[kMGTP]?)", cell).groups()
    return float(number.replace(",", "")) * UNIT_PREFIX[prefix]


@pytest.mark.parametrize("column", ["Memory", "Bandwidth"])
def test_a_zoo_column_that_mixes_units_sorts_by_value(page, server, column):
    page.goto(f"{server}/zoo/hardware.html")
    table = page.locator("main table").first
    header = table.locator("th", has_text=column).first
    index = header.evaluate("th => th.cellIndex")
    header.click()
    cells = table.evaluate(f"t => [...t.tBodies[0].rows].map(r => r.cells[{index}].textContent.trim())")
    values = [_value(c) for c in cells if c not in ("–", "")]
    assert len(values) > 20 and values == sorted(values), f"{column} sorts by the bare number: {cells}"


def test_folded_code_opens_on_click_and_keeps_its_copy_button(browser, features):
    context = browser.new_context(viewport=DESKTOP)
    pg = _watch(context.new_page())
    pg.goto(f"{features}/index.html")
    fold = pg.locator("details.code-fold")
    assert fold.locator("summary").inner_text() == "Code" and not fold.locator("pre").is_visible()
    fold.locator("summary").click()
    assert fold.evaluate("el => el.open") and fold.locator("pre").is_visible()
    assert "plt.plot" in fold.locator("pre").inner_text() and fold.locator(".copy-button").count() == 1
    assert pg.problems == []
    context.close()


def test_a_figure_cross_reference_links_to_its_numbered_figure(browser, features):
    context = browser.new_context(viewport=DESKTOP)
    pg = context.new_page()
    pg.goto(f"{features}/index.html")
    link = pg.locator("a.quarto-xref")
    assert link.inner_text().replace("\xa0", " ") == "Figure 1" and link.get_attribute("href") == "#fig-line"
    figure = pg.locator("figure#fig-line")
    assert figure.locator("figcaption").inner_text().replace("\xa0", " ") == "Figure 1: A straight line."
    assert not figure.locator("img").is_visible() or figure.bounding_box()["y"] > DESKTOP["height"]
    link.click()
    pg.wait_for_url("**#fig-line")
    box = figure.bounding_box()
    assert 0 <= box["y"] < DESKTOP["height"]  # scrolled into view
    context.close()


def test_a_citation_shows_its_entry_on_hover_and_on_focus(page, server):
    page.goto(f"{server}/zoo/hardware.html")
    cite = page.locator('a[role="doc-biblioref"]').first
    entry = page.locator(cite.get_attribute("href")).inner_text()
    preview = page.locator("#cite-preview")
    cite.hover()
    preview.wait_for(state="visible")
    assert preview.inner_text() == entry and cite.get_attribute("aria-describedby") == "cite-preview"
    page.mouse.move(5, 5)
    preview.wait_for(state="hidden")
    cite.focus()
    preview.wait_for(state="visible")
    page.keyboard.press("Escape")
    preview.wait_for(state="hidden")


# --- Search (Pagefind) ---------------------------------------------------------------------------------

def _search(pg, query: str):
    pg.keyboard.press("/")
    pg.locator("#search-input").fill(query)
    pg.locator("#search-results a[role=option]").first.wait_for()
    return pg.locator("#search-results a[role=option]")


@pytest.mark.parametrize(("query", "target"), [
    ("pipeline bubble", "/tutorials/06_scaling_1000_gpus.html"),
    ("Capstone", "/tutorials/exercises.html"),
    ("H100_PCIe", "/zoo/hardware.html#H100_PCIe"),
])
def test_search_finds_the_page_or_the_zoo_entry(page, server, query, target):
    page.goto(f"{server}/tutorials/index.html")
    results = _search(page, query)
    hit = page.locator(f'#search-results a[role=option][href$="{target}"]').first
    hit.wait_for()
    assert results.locator("mark").count() > 0  # highlighted excerpts
    hit.click()
    page.wait_for_url(f"**{target}")
    if "#" in target:
        row = page.locator(f"[id='{target.split('#')[1]}']")
        assert 0 <= row.bounding_box()["y"] < DESKTOP["height"]
    assert page.problems == []


def test_search_is_driven_by_the_keyboard(page, server):
    page.goto(f"{server}/index.html")
    page.keyboard.press("Control+k")
    assert page.locator("#search-input").evaluate("el => el === document.activeElement")
    page.keyboard.press("Escape")
    assert page.locator("#search-dialog").is_hidden()
    results = _search(page, "Capstone")
    assert results.first.get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowDown")
    chosen = results.nth(1)
    assert chosen.get_attribute("aria-selected") == "true" and results.first.get_attribute("aria-selected") == "false"
    assert page.locator("#search-input").get_attribute("aria-activedescendant") == chosen.get_attribute("id")
    href = chosen.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")


# --- Screenshots for a person to look at --------------------------------------------------------------

SHOTS = [("home", "index.html"), ("tutorial", "tutorials/03_serving_70b_on_a_node.html"),
         ("zoo-hardware", "zoo/hardware.html"), ("accuracy", "accuracy.html"), ("reference", "reference/index.html")]


def test_screenshots(browser, server):
    OUTPUT.mkdir(exist_ok=True)
    for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport=size, color_scheme=scheme)
            pg = context.new_page()
            for name, rel in SHOTS if scheme == "light" else SHOTS[1:3]:
                pg.goto(f"{server}/{rel}")
                pg.wait_for_load_state("load")
                path = OUTPUT / f"{name}-{width}{'-dark' if scheme == 'dark' else ''}.png"
                pg.screenshot(path=str(path), full_page=True)
                assert path.stat().st_size > 10_000
            context.close()
