"""Site navigation from ``_quarto.yml``: navbar links, the docked sidebar, breadcrumbs and previous/next links.

Breadcrumbs and previous/next follow the sidebar as Quarto does: the pages in the sidebar's order (a section's
own page first, then its contents; a page listed twice counts where it first appears), and the sections above a
page as its trail.
"""

from __future__ import annotations

import dataclasses
import html
import posixpath

from .config import NavItem, SiteConfig


def html_path(qmd: str) -> str:
    """``tutorials/x.qmd`` → ``tutorials/x.html``."""
    return qmd[:-4] + ".html" if qmd.endswith(".qmd") else qmd


def href(target: str, current: str) -> str:
    """The link from page ``current`` (an output-relative .html path) to ``target`` (a .qmd or .html path)."""
    if "://" in target or target.startswith(("#", "mailto:")):
        return target
    return posixpath.relpath(html_path(target), posixpath.dirname(current) or ".")


@dataclasses.dataclass(frozen=True)
class Entry:
    """One page of the sidebar, with the sections it sits in (outermost first)."""
    path: str  # output-relative .html path
    text: str
    sections: tuple[NavItem, ...]


def entries(items: tuple[NavItem, ...], sections: tuple[NavItem, ...] = ()) -> list[Entry]:
    """The sidebar's pages in reading order, each once (where it first appears)."""
    found: list[Entry] = []
    for item in items:
        if item.children:
            if item.href:
                found.append(Entry(html_path(item.href), item.text, sections))
            found += entries(item.children, (*sections, item))
        elif item.href and "://" not in item.href:
            found.append(Entry(html_path(item.href), item.text, sections))
    seen: set[str] = set()
    return [e for e in found if not (e.path in seen or seen.add(e.path))]


def _find(cfg: SiteConfig, current: str) -> tuple[list[Entry], int]:
    pages = entries(cfg.sidebar)
    where = next((i for i, e in enumerate(pages) if e.path == current), -1)
    return pages, where


def breadcrumbs(cfg: SiteConfig, current: str, title: str) -> str:
    """``Section › Page`` for a page in the sidebar; empty for one that is not."""
    pages, where = _find(cfg, current)
    if where < 0:
        return ""
    crumbs = []
    for section in pages[where].sections:
        name = html.escape(section.text)
        crumbs.append(f'<li><a href="{href(section.href, current)}">{name}</a></li>' if section.href
                      else f"<li><span>{name}</span></li>")
    crumbs.append(f'<li aria-current="page"><span>{html.escape(title or pages[where].text)}</span></li>')
    return f'<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>{"".join(crumbs)}</ol></nav>'


def pager(cfg: SiteConfig, current: str) -> str:
    """Links to the previous and next pages of the sidebar."""
    pages, where = _find(cfg, current)
    if where < 0:
        return ""
    links = []
    for rel, step, arrow in (("prev", -1, "←"), ("next", 1, "→")):
        side = "previous" if rel == "prev" else "next"
        k = where + step
        if 0 <= k < len(pages):
            text = f'<span class="nav-page-text">{html.escape(pages[k].text)}</span>'
            label = f'<span class="nav-page-label">{"Previous" if rel == "prev" else "Next"}</span>'
            mark = f'<span class="nav-page-arrow" aria-hidden="true">{arrow}</span>'
            inner = f"{mark}{label}{text}" if rel == "prev" else f"{label}{text}{mark}"
            links.append(f'<div class="nav-page nav-page-{side}"><a class="pagination-link" rel="{rel}" '
                         f'href="{href(pages[k].path, current)}">{inner}</a></div>')
        else:
            links.append(f'<div class="nav-page nav-page-{side}"></div>')
    return f'<nav class="page-navigation" aria-label="Previous and next page">{"".join(links)}</nav>'


def navbar(items: tuple[NavItem, ...], current: str) -> str:
    out = []
    for item in items:
        if item.children:
            links = "".join(f'<a href="{href(c.href, current)}">{html.escape(c.text)}</a>'
                            for c in item.children if c.href)
            out.append(f'<div class="nav-menu"><span>{html.escape(item.text)}</span>'
                       f'<div class="nav-drop">{links}</div></div>')
        elif item.href:
            active = html_path(item.href) == current
            attrs = ' class="nav-link active" aria-current="page"' if active else ' class="nav-link"'
            out.append(f'<a{attrs} href="{href(item.href, current)}">{html.escape(item.text)}</a>')
    return "".join(out)


def _default_text(target: str) -> str:
    return posixpath.splitext(posixpath.basename(target))[0].replace("-", " ").title()


def sidebar(items: tuple[NavItem, ...], current: str, titles: dict[str, str]) -> str:
    out = []
    for item in items:
        if item.children:
            inner = sidebar(item.children, current, titles)
            head = (f'<a href="{href(item.href, current)}">{html.escape(item.text)}</a>' if item.href
                    else html.escape(item.text))
            out.append(f'<li class="sidebar-section"><div class="sidebar-section-title">{head}</div>'
                       f"<ul>{inner}</ul></li>")
        elif item.href:
            target = html_path(item.href)
            text = titles.get(target, item.text) if item.text == _default_text(item.href) else item.text
            active = ' class="active" aria-current="page"' if target == current else ""
            out.append(f'<li><a{active} href="{href(item.href, current)}">{html.escape(text)}</a></li>')
    return "".join(out)
