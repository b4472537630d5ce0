"""The HTML page around a rendered body: navbar, sidebar, title block, table of contents, scripts."""

from __future__ import annotations

import html
import posixpath

from .config import NavItem, SiteConfig


def html_path(qmd: str) -> str:
    """``tutorials/x.qmd`` → ``tutorials/x.html``."""
    return qmd[:-4] + ".html" if qmd.endswith(".qmd") else qmd


def _href(target: str, current: str) -> str:
    if "://" in target or target.startswith(("#", "mailto:")):
        return target
    rel = posixpath.relpath(html_path(target), posixpath.dirname(current) or ".")
    return rel


def _nav(items: tuple[NavItem, ...], current: str) -> str:
    out = []
    for item in items:
        if item.children:
            links = "".join(f'<a href="{_href(c.href, current)}">{html.escape(c.text)}</a>' for c in item.children if c.href)
            out.append(f'<div class="nav-menu"><span>{html.escape(item.text)}</span><div class="nav-drop">{links}</div></div>')
        elif item.href:
            active = " active" if html_path(item.href) == current else ""
            out.append(f'<a class="nav-link{active}" href="{_href(item.href, current)}">{html.escape(item.text)}</a>')
    return "".join(out)


def _sidebar(items: tuple[NavItem, ...], current: str, titles: dict[str, str]) -> str:
    out = []
    for item in items:
        if item.children:
            inner = _sidebar(item.children, current, titles)
            head = (f'<a href="{_href(item.href, current)}">{html.escape(item.text)}</a>' if item.href
                    else html.escape(item.text))
            out.append(f'<li class="sidebar-section"><div class="sidebar-section-title">{head}</div><ul>{inner}</ul></li>')
        elif item.href:
            target = html_path(item.href)
            text = titles.get(target, item.text) if item.text == _default_text(item.href) else item.text
            active = ' class="active"' if target == current else ""
            out.append(f'<li><a{active} href="{_href(item.href, current)}">{html.escape(text)}</a></li>')
    return "".join(out)


def _default_text(href: str) -> str:
    return posixpath.splitext(posixpath.basename(href))[0].replace("-", " ").title()


def render(cfg: SiteConfig, current: str, meta: dict, toc: str, body: str, titles: dict[str, str]) -> str:
    """A complete HTML document for page ``current`` (an output-relative .html path)."""
    root = posixpath.relpath(".", posixpath.dirname(current) or ".")
    asset = lambda name: posixpath.join(root, "assets", name)  # noqa: E731
    title = str(meta.get("title", ""))
    header = ""
    if title:
        header = f'<header class="title-block"><h1 class="title">{html.escape(title)}</h1>'
        if meta.get("subtitle"):
            header += f'<p class="subtitle">{html.escape(str(meta["subtitle"]))}</p>'
        if meta.get("categories"):
            header += '<div class="categories">' + "".join(
                f'<span class="category">{html.escape(str(c))}</span>' for c in meta["categories"]) + "</div>"
        if meta.get("description"):
            header += f'<p class="description">{html.escape(str(meta["description"]))}</p>'
        header += "</header>"
    toc_block = f'<nav class="toc" aria-label="On this page"><h2>On this page</h2>{toc}</nav>' if toc else ""
    page_title = f"{title} – {cfg.title}" if title and title != cfg.title else cfg.title
    description = html.escape(str(meta.get("description") or cfg.description), quote=True)
    home = _href("index.qmd", current)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{description}">
<title>{html.escape(page_title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{asset('site.css')}">
<link rel="stylesheet" href="{asset('highlight.css')}">
</head>
<body>
<nav class="navbar">
  <a class="brand" href="{home}">{html.escape(cfg.title)}</a>
  <div class="nav-links">{_nav(cfg.navbar, current)}</div>
  <div class="search"><input id="search-input" type="search" placeholder="Search" aria-label="Search the site" autocomplete="off"><div id="search-results" class="search-results" hidden></div></div>
</nav>
<div class="layout">
<aside class="sidebar"><ul>{_sidebar(cfg.sidebar, current, titles)}</ul></aside>
<main class="content" id="content">
{header}
{body}
</main>
{toc_block}
</div>
<footer class="footer">{html.escape(cfg.page_footer)}</footer>
<script>window.QR_ROOT = {root!r};</script>
<script src="{asset('search-index.js')}"></script>
<script src="{asset('site.js')}"></script>
</body>
</html>
"""
