"""The website builds with the bundled renderer: every page, link, citation and zoo row."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from mlsysim import Hardware, Infra, Models, Systems
from qmdrender import build, config

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
    import mlsysim

    text = (site / "reference/index.html").read_text(encoding="utf-8")
    for name in mlsysim.__all__:
        if not name.startswith("__") and name not in ("formulas", "show", "zoo", "validation", "cli", "sweep"):
            assert f"<code>{name}</code>" in text, name
    for name in mlsysim.formulas.__all__:
        if callable(getattr(mlsysim.formulas, name)):
            assert f"formulas.{name}" in text, name


def test_search_index_and_assets_are_bundled(site):
    index = (site / "assets/search-index.js").read_text(encoding="utf-8")
    assert index.startswith("window.QR_SEARCH") and "getting-started.html" in index
    external_asset = re.compile(r'<(?:script|img)[^>]+src="(?:https?:)?//|<link[^>]+href="(?:https?:)?//')
    for page in site.rglob("*.html"):
        assert not external_asset.search(page.read_text(encoding="utf-8")), f"{page.name} loads an external asset"


# --- The renderer on small projects of its own -----------------------------------------

def _project(tmp_path: Path, pages: dict[str, str], bib: str = "") -> Path:
    (tmp_path / "_quarto.yml").write_text(textwrap.dedent("""\
        project:
          type: website
          output-dir: _site
        website:
          title: "T"
          navbar:
            left:
              - href: index.qmd
        bibliography: refs.bib
        """))
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
    assert 'class="code-fold"' in html and "secret" not in html
    assert '<figure class="figure" id="fig-line">' in html and "Figure&nbsp;1: A line." in html
    assert 'href="#fig-line"' in html
    assert 'class="callout callout-tip"' in html and "Remember" in html
    assert 'href="index.html"' in html and "Known" in html


@pytest.mark.parametrize(("page", "message"), [
    ("```{python}\nx = 1\n```\n\n```{python}\n1 / 0\n```\n", r"index.qmd: cell 2 \(line 5\) raised:[\s\S]*ZeroDivisionError"),
    ("Inline `{python} undefined_name`\n", r"inline expression[\s\S]*NameError"),
    ("[Nowhere](missing.qmd)\n", r"broken internal links:\s+index.html: missing.html"),
    ("Cited [@nobody].\n", r"index.qmd: citation keys missing from the bibliography: nobody"),
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
