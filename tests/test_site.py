"""The website builds with the bundled renderer: every page, link, citation and zoo row."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from mlsysim import Hardware, Infra, Models, Systems
from qmdrender import build, config, prerender, qmd

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _hrefs(items):
    for item in items:
        if item.href:
            yield item.href
        yield from _hrefs(item.children)


def test_every_page_in_the_config_is_rendered(site):
    cfg = config.load(ROOT)
    for href in set(_hrefs(cfg.navbar)) | set(_hrefs(cfg.sidebar)):
        assert (site / href.replace(".qmd", ".html")).exists(), href
    for page in cfg.pages():
        assert (site / page.replace(".qmd", ".html")).exists(), page


def test_no_broken_internal_links(site):
    assert build.check_links(site) == []


def test_citations_resolve_and_references_are_listed(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "???" not in text, f"{page.name} has an unresolved citation"
    hardware = (site / "zoo/hardware.html").read_text(encoding="utf-8")
    assert 'id="refs"' in hardware and "NVIDIA H100 Tensor Core GPU" in hardware


@pytest.mark.parametrize(("page", "catalogs"), [
    ("zoo/hardware.html", [Hardware]), ("zoo/models.html", [Models]),
    ("zoo/systems.html", [Systems.Nodes, Systems.Fabrics, Systems.Clusters]),
    ("zoo/infra.html", [Infra.Grids, Infra.Facilities, Infra.Datacenters, Infra.CloudPrices]),
])
def test_zoo_tables_have_one_row_per_entry(site, page, catalogs):
    text = (site / page).read_text(encoding="utf-8")
    for catalog in catalogs:
        for name in catalog.names():
            assert f"<code>{name}</code>" in text, f"{name} missing from {page}"
    rows = len(re.findall(r"<tr[^>]*>\s*<td[^>]*><span\s+id=\"[^\"]+\"><code>", text))
    assert rows == sum(len(c) for c in catalogs)


def test_every_zoo_page_has_a_figure(site):
    for page in ["hardware", "models", "systems", "infra"]:
        assert "<figure" in (site / f"zoo/{page}.html").read_text(encoding="utf-8")


def test_reference_documents_every_public_name(site):
    """quartodoc's pages: one per public name, with its parameters (or fields) and its example's output."""
    import dataclasses
    import inspect

    import mlsysim

    index = (site / "reference/index.html").read_text(encoding="utf-8")
    names = [n for n in mlsysim.__all__ if not n.startswith("__")
             and n not in ("formulas", "show", "zoo", "validation", "cli", "sweep")]
    names += [f"formulas.{n}" for n in mlsysim.formulas.__all__ if callable(getattr(mlsysim.formulas, n))]
    for name in names:
        obj = mlsysim
        for part in name.split("."):
            obj = getattr(obj, part)
        page = site / f"reference/{name}.html"
        assert page.exists(), f"no reference page for {name}"
        assert f'href="{name}.html"' in index, f"the reference index does not link {name}"
        text = page.read_text(encoding="utf-8")
        assert f'<h1 class="title">{name}</h1>' in text, f"{name}: the page's title is the name"
        # the example with its output: computed by a kernel (execute_examples: true) or the doctest's, which
        # tests/test_docstrings.py checks (execute_examples: false, the default here)
        assert 'class="cell-output' in text, f"{name}: its example and its output are shown"
        record = dataclasses.is_dataclass(obj) or hasattr(obj, "model_fields")
        if record and name != "Assumptions":  # Assumptions shows its fields as a table computed by its example
            assert re.search(r"<h[23] id=\"attributes[^\"]*\">Attributes", text), f"{name}: its fields"
        target = obj.solve if inspect.isclass(obj) and hasattr(obj, "solve") else obj
        if (inspect.isfunction(target) or inspect.ismethod(target)) and any(
                p.name not in ("self", "cls") for p in inspect.signature(target).parameters.values()):
            assert re.search(r"<h[23] id=\"parameters[^\"]*\">Parameters", text), f"{name}: its parameters"


def test_pagefind_index_and_assets_are_bundled(site):
    bundle = site / "pagefind"
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-entry.json").is_file()
    assert any((bundle / "fragment").iterdir()) and not (site / "assets/search-index.js").exists()
    external_asset = re.compile(r'<(?:script|img)[^>]+src="(?:https?:)?//|<link[^>]+href="(?:https?:)?//')
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not external_asset.search(text), f"{page.name} loads an external asset"
        assert text.count("data-pagefind-body") == 1 and '<main class="content" id="content" data-pagefind-body>' in text


def _main(text: str) -> str:
    return text.split('<main class="content" id="content" data-pagefind-body>', 1)[1].split("</main>", 1)[0]


def _page_meta(page_html: Path, site: Path) -> dict:
    source = ROOT / page_html.relative_to(site).with_suffix(".qmd")
    return qmd.parse(source.name, source.read_text(encoding="utf-8")).meta


def test_every_page_with_two_headings_has_a_table_of_contents(site):
    cfg = config.load(ROOT)
    pages = sorted(site.rglob("*.html"))
    assert any(p.relative_to(site).as_posix().startswith("reference/") for p in pages)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        headings = re.findall(r'<h[1-3] id="([^"]+)"', _main(text))
        toc = config.format_option(_page_meta(page, site), cfg.html, "toc", False)
        if len(headings) >= 2 and toc is not False:
            assert '<nav class="toc" id="TOC"' in text, f"{page.relative_to(site)} has no table of contents"
            for ident in headings:
                assert f'href="#{ident}"' in text.split('id="TOC"', 1)[1], (page.name, ident)


def test_headings_carry_anchor_links(site):
    text = (site / "tutorials/03_serving_70b_on_a_node.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h2 id="([^"]+)"[^>]*>.*?</h2>', _main(text), re.S)
    assert headings
    for ident in headings:
        assert re.search(rf'<h2 id="{re.escape(ident)}"[^>]*>.*?<a class="anchor-link" href="#{re.escape(ident)}"'
                         r'[^>]*data-pagefind-ignore>#</a></h2>', text, re.S), ident


def test_breadcrumbs_and_pager_follow_the_sidebar(site):
    from qmdrender import nav

    order = [e.path for e in nav.entries(config.load(ROOT).sidebar)]
    assert order[:3] == ["index.html", "getting-started.html", "tutorials/index.html"]
    assert len(order) == len(set(order))

    def linked(page: str, rel: str, text: str) -> str | None:
        m = re.search(rf'rel="{rel}" href="([^"]+)"', text)
        return posixpath.normpath(posixpath.join(posixpath.dirname(page), m.group(1))) if m else None

    for i, page in enumerate(order):
        text = (site / page).read_text(encoding="utf-8")
        assert linked(page, "prev", text) == (order[i - 1] if i else None), page
        assert linked(page, "next", text) == (order[i + 1] if i + 1 < len(order) else None), page
        assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in text, page
    scaling = (site / "tutorials/06_scaling_1000_gpus.html").read_text(encoding="utf-8")
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', scaling, re.S).group(0)
    assert re.sub(r"<[^>]+>", " ", crumbs).split()[0] == "Tutorials" and '<a href="index.html">' in crumbs
    assert crumbs in scaling.split('<h1 class="title">', 1)[0]  # above the title


# --- The renderer on small projects of its own -----------------------------------------

def _project(tmp_path: Path, pages: dict[str, str], bib: str = "", extra: str = "", pre_render: str = "") -> Path:
    """A project with ``pages``; ``extra`` is appended to _quarto.yml, ``pre_render`` is its project: pre-render:."""
    pre = f"  pre-render: {pre_render}\n" if pre_render else ""
    (tmp_path / "_quarto.yml").write_text(
        f"project:\n  type: website\n  output-dir: _site\n{pre}"
        "website:\n  title: \"T\"\n  navbar:\n    left:\n      - href: index.qmd\n"
        "bibliography: refs.bib\n" + textwrap.dedent(extra))
    (tmp_path / "refs.bib").write_text(bib or "@misc{known, title={Known}, year={2020}}\n")
    for name, text in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def _build(root: Path) -> Path:
    build.build(root, root / "_site", jobs=1, use_cache=False, log=lambda _msg: None)
    return root / "_site"


def test_renderer_features(tmp_path):
    out = _build(_project(tmp_path, {"index.qmd": """\
        ---
        title: "Features"
        ---
        The answer is `{python} 6 * 7` [@known]. See @fig-line.

        ```{python}
        #| echo: false
        hidden = "not shown"
        print("visible output")
        ```

        ```{python}
        #| code-fold: true
        folded = 1
        ```

        ```{python}
        #| include: false
        secret = 1
        ```

        ```{python}
        #| label: fig-line
        #| fig-cap: "A line."
        import matplotlib.pyplot as plt
        plt.plot([0, 1], [0, 1]); plt.show()
        ```

        ::: {.callout-tip}
        ## Remember
        Callouts render.
        :::

        [Back](index.qmd)
        """}))
    html = (out / "index.html").read_text()
    assert "The answer is 42" in html
    assert "hidden =" not in html and "visible output" in html
    assert '<details class="code-fold">' in html and "secret" not in html
    assert '<figure class="figure quarto-float quarto-float-fig" id="fig-line">' in html
    assert re.search(r"Figure(&nbsp;|\xa0)1: A line\.", html)
    assert re.search(r'<a href="#fig-line" class="quarto-xref">Figure(&nbsp;|\xa0)1</a>', html)
    assert 'class="callout callout-tip"' in html and "Remember" in html
    assert 'href="index.html"' in html and "Known" in html


@pytest.mark.parametrize(("page", "message"), [
    ("```{python}\nx = 1\n```\n\n```{python}\n1 / 0\n```\n", r"index.qmd: cell 2 \(line 5\) raised:[\s\S]*ZeroDivisionError"),
    ("Inline `{python} undefined_name`\n", r"inline expression[\s\S]*NameError"),
    ("[Nowhere](missing.qmd)\n", r"broken internal links:\s+index.html: missing.html"),
    ("Cited [@nobody].\n", r"index.qmd: citation keys missing from the bibliography: nobody"),
    ("See @fig-nowhere.\n", r"^index\.qmd: unknown cross-reference @fig-nowhere: no figure or table on this page"),
    ("See [@tbl-nowhere].\n", r"^index\.qmd: unknown cross-reference @tbl-nowhere"),
])
def test_renderer_fails_loudly_naming_the_page(tmp_path, page, message):
    root = _project(tmp_path, {"index.qmd": page})
    with pytest.raises(build.BuildError, match=message):
        _build(root)


def test_unchanged_pages_come_from_the_cache(tmp_path):
    root = _project(tmp_path, {"index.qmd": "Hello `{python} 1 + 1`.\n"})
    first = build.build(root, root / "_site", jobs=1, log=lambda _msg: None)
    second = build.build(root, root / "_site", jobs=1, log=lambda _msg: None)
    assert first["rendered"] == 1 and second["rendered"] == 0
    assert "Hello 2." in (root / "_site/index.html").read_text()


NB = "(?:&nbsp;|\xa0)"  # Quarto joins "Figure" and its number with a no-break space


def test_code_fold_follows_the_format_option_and_each_cell(tmp_path):
    out = _build(_project(tmp_path, {"index.qmd": """\
        ```{python}
        folded = 1
        ```

        ```{python}
        #| code-fold: show
        #| code-summary: "Show the setup"
        shown = 2
        ```

        ```{python}
        #| code-fold: false
        plain = 3
        ```
        """}, extra="format:\n  html:\n    code-fold: true\n"))
    html = (out / "index.html").read_text()
    folds = re.findall(r'<details class="code-fold"( open)?>\s*<summary>([^<]*)</summary>\s*'
                       r'<div class="sourceCode"[^>]*><pre\s+class="sourceCode python cell-code">(.*?)</details>', html, re.S)
    assert [(opened, summary) for opened, summary, _code in folds] == [("", "Code"), (" open", "Show the setup")]
    assert "folded" in folds[0][2] and "shown" in folds[1][2]
    assert "plain" in html.rsplit("</details>", 1)[1]  # code-fold: false on the cell wins over the format


def test_figures_and_tables_are_numbered_and_cross_referenced(tmp_path):
    out = _build(_project(tmp_path, {"index.qmd": """\
        See @fig-second, [@fig-first], -@fig-second, @tbl-sizes and @tbl-made; cited [@known].

        ```{python}
        #| label: fig-first
        #| fig-cap: "The first."
        import matplotlib.pyplot as plt
        plt.plot([0, 1]); plt.show()
        ```

        | a | b |
        |---|---|
        | 1 | 2 |

        : Sizes {#tbl-sizes}

        ```{python}
        #| label: fig-second
        #| fig-cap: "The **second**."
        plt.plot([1, 0]); plt.show()
        ```

        ```{python}
        #| label: tbl-made
        #| tbl-cap: "Made by a cell."
        #| output: asis
        print("| x |\\n|---|\\n| 1 |")
        ```
        """}))
    html = re.sub(r"[ \n]+", " ", (out / "index.html").read_text())  # Pandoc wraps lines anywhere
    xref = lambda label, text: rf'<a href="#{label}" class="quarto-xref">{text}</a>'  # noqa: E731
    assert re.search(rf"See {xref('fig-second', f'Figure{NB}2')}, {xref('fig-first', f'Figure{NB}1')}, "
                     rf"{xref('fig-second', '2')}, {xref('tbl-sizes', f'Table{NB}1')} and "
                     rf"{xref('tbl-made', f'Table{NB}2')}; cited", html)
    assert re.search(rf'id="fig-first">.*?<figcaption class="quarto-float-caption"> Figure{NB}1: The first\.', html)
    assert re.search(rf'id="fig-second"> <img [^>]*alt="The second\."[^>]*>.*?Figure{NB}2: The <strong>second</strong>\.',
                     html)
    assert re.search(rf'<table id="tbl-sizes"> <caption>Table{NB}1: Sizes</caption>', html)
    assert re.search(rf'<figure class="figure quarto-float quarto-float-tbl" id="tbl-made"> '
                     rf'<figcaption class="quarto-float-caption"> Table{NB}2: Made by a cell\. </figcaption>'
                     r'.*?<table', html)  # a table's caption above it
    assert 'role="doc-biblioref"' in html and "Known" in html  # citeproc still sees the real citation


def test_pre_render_commands_run_first_and_the_pages_they_write_are_rendered(tmp_path):
    (tmp_path / "gen.py").write_text("from pathlib import Path\n"
                                     "Path('made.qmd').write_text('---\\ntitle: Made\\n---\\n\\nMade by pre-render.\\n')\n")
    (tmp_path / "which.py").write_text("import os, sys\n"
                                       "open('which.txt', 'w').write(sys.executable + '\\n' + os.environ['QUARTO_PROJECT_RENDER_ALL'])\n")
    root = _project(tmp_path, {"index.qmd": "Home.\n"}, pre_render='[gen.py, "python which.py"]')
    first = build.build(root, root / "_site", jobs=1, log=lambda _msg: None)
    assert first["pages"] == 2 and "Made by pre-render." in (root / "_site/made.html").read_text()
    python, render_all = (root / "which.txt").read_text().split("\n")
    assert Path(python).parent == Path(sys.executable).parent and render_all == "1"  # the venv's python, first on PATH
    second = build.build(root, root / "_site", jobs=1, log=lambda _msg: None)
    assert second["rendered"] == 0  # the command rewrote the same page: the cache still hits


def test_pre_render_finds_the_virtual_environments_tools(tmp_path):
    path = prerender.environment(tmp_path, "_site")["PATH"]
    assert path.split(os.pathsep)[0] == str(Path(sys.executable).parent)
    quartodoc = shutil.which("quartodoc", path=path)
    assert quartodoc and Path(quartodoc).parent == Path(sys.executable).parent


@pytest.mark.parametrize(("command", "message"), [
    ("fail.py", r"^pre-render command `fail\.py` failed with exit status 3:\ncannot write the reference$"),
    ("no-such-tool build", r"^pre-render command `no-such-tool build` could not be started"),
])
def test_a_failing_pre_render_command_stops_the_build(tmp_path, command, message):
    (tmp_path / "fail.py").write_text("import sys\nprint('cannot write the reference')\nsys.exit(3)\n")
    root = _project(tmp_path, {"index.qmd": "Home.\n"}, pre_render=command)
    with pytest.raises(build.BuildError, match=message):
        _build(root)
    assert not (root / "_site").exists()


def test_warnings_show_as_quarto_shows_them_unless_a_cell_turns_them_off(tmp_path):
    out = _build(_project(tmp_path, {"index.qmd": """\
        ```{python}
        import warnings
        warnings.warn("shown warning")
        ```

        ```{python}
        #| warning: false
        warnings.warn("hidden warning")
        ```
        """}, extra="execute:\n  warning: true\n"))
    html = (out / "index.html").read_text()
    [stderr] = re.findall(r'<div class="cell-output cell-output-stderr"><pre><code>(.*?)</code></pre></div>', html, re.S)
    assert "UserWarning: shown warning" in stderr
    assert "ipykernel_" not in stderr and str(tmp_path) not in stderr  # no build-machine paths on the page


def test_quartos_switches_turn_off_pager_breadcrumbs_and_anchors(tmp_path):
    pages = {"index.qmd": "---\ntitle: One\n---\n\n## A\n\n## B\n", "two.qmd": "---\ntitle: Two\n---\n\n## C\n"}
    website = "website:\n  title: T\n{}  sidebar:\n    contents:\n      - section: S\n        contents: [index.qmd, two.qmd]\n"
    html = {}
    for name, switches, fmt in [("on", "", ""), ("off", "  page-navigation: false\n  bread-crumbs: false\n",
                                                 "format:\n  html:\n    anchor-sections: false\n")]:
        (tmp_path / name).mkdir()
        root = _project(tmp_path / name, pages)
        (root / "_quarto.yml").write_text("project:\n  output-dir: _site\n" + website.format(switches) + fmt)
        html[name] = (_build(root) / "index.html").read_text()
    assert 'rel="next" href="two.html"' in html["on"] and 'class="breadcrumbs"' in html["on"]
    assert 'class="anchor-link"' in html["on"]
    assert 'rel="next"' not in html["off"] and 'class="breadcrumbs"' not in html["off"]
    assert 'class="anchor-link"' not in html["off"]
