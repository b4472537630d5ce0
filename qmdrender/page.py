"""The HTML page around a rendered body: navbar, sidebar, breadcrumbs, title block, TOC, pager, scripts."""

from __future__ import annotations

import html
import posixpath
import re

from . import icons, nav
from .config import SiteConfig, format_option

html_path = nav.html_path  # kept here for callers that build paths while writing pages

HEADING = re.compile(r'<h([1-4]) id="([^"]+)"[^>]*>.*?</h\1>', re.S)

# Runs in <head> before the stylesheets apply: the stored choice, else the system's, so dark pages never flash.
THEME = ('<script>(function(){var s=null;try{s=localStorage.getItem("qr-theme")}catch(e){}'
         'var d=s?s==="dark":matchMedia("(prefers-color-scheme: dark)").matches;'
         'document.documentElement.setAttribute("data-theme",d?"dark":"light")})();</script>')

SCRIPTS = ("site.js", "tables.js", "nav.js", "cite.js", "search.js")


def anchor_headings(body: str) -> str:
    """Quarto's anchor sections: a ``#`` link at the end of each heading with an id, shown on hover and focus.

    Pagefind leaves it out of the index, so search results do not end their section titles with ``#``."""
    def link(m: re.Match) -> str:
        level, ident = m.group(1), m.group(2)
        return (m.group(0)[:-len(f"</h{level}>")] + f'<a class="anchor-link" href="#{ident}" '
                f'aria-label="Link to this section" data-pagefind-ignore>#</a></h{level}>')
    return HEADING.sub(link, body)


def _title_block(meta: dict, title: str, crumbs: str) -> str:
    parts = [crumbs]
    if title:
        parts.append(f'<h1 class="title">{html.escape(title)}</h1>')
    if meta.get("subtitle"):
        parts.append(f'<p class="subtitle">{html.escape(str(meta["subtitle"]))}</p>')
    if meta.get("categories"):
        parts.append('<div class="categories">' + "".join(
            f'<span class="category">{html.escape(str(c))}</span>' for c in meta["categories"]) + "</div>")
    if meta.get("description"):
        parts.append(f'<p class="description">{html.escape(str(meta["description"]))}</p>')
    inner = "".join(parts)
    return f'<header class="title-block">{inner}</header>' if inner else ""


def _first_heading(body: str) -> str:
    m = re.search(r'<h1(?![^>]*id="bibliography")[^>]*>(.*?)</h1>', body, re.S)  # not citeproc's "References"
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else ""


def render(cfg: SiteConfig, current: str, meta: dict, toc: str, body: str, titles: dict[str, str]) -> str:
    """A complete HTML document for page ``current`` (an output-relative .html path)."""
    root = posixpath.relpath(".", posixpath.dirname(current) or ".")
    asset = lambda name: posixpath.join(root, "assets", name)  # noqa: E731
    title = str(meta.get("title", ""))
    name = title or _first_heading(body)
    crumbs = nav.breadcrumbs(cfg, current, name) if cfg.switch("bread-crumbs") else ""
    pager = nav.pager(cfg, current) if cfg.switch("page-navigation") else ""
    if format_option(meta, cfg.html, "anchor-sections", True) not in (False, "false"):
        body = anchor_headings(body)
    toc_title = html.escape(str(format_option(meta, cfg.html, "toc-title", "On this page")))
    toc_block = (f'<nav class="toc" id="TOC" aria-labelledby="toc-title"><h2 id="toc-title">{toc_title}</h2>'
                 f"{toc}</nav>" if "<li" in toc else "")
    page_title = f"{name} – {cfg.title}" if name and name != cfg.title else cfg.title
    description = html.escape(str(meta.get("description") or cfg.description), quote=True)
    trail = re.sub(r"<[^>]+>", " ", crumbs.replace("</li><li", "</li> › <li"))
    trail = " ".join(trail.split()) or html.escape(name)
    scripts = "\n".join(f'<script src="{asset(s)}" defer></script>' for s in SCRIPTS)
    layout = "layout" + (" has-toc" if toc_block else "") + ("" if cfg.sidebar else " no-sidebar")
    sidebar_bar = (f'<div class="sidebar-bar"><button type="button" class="sidebar-toggle" id="sidebar-toggle" '
                   f'aria-controls="sidebar" aria-expanded="false" aria-label="Show the list of pages">{icons.SIDEBAR}'
                   f'<span class="sidebar-trail">{trail}</span></button></div>' if cfg.sidebar else "")
    sidebar = (f'<aside class="sidebar" id="sidebar" aria-label="Pages">\n<button type="button" class="sidebar-close" '
               f'id="sidebar-close" aria-label="Close the list of pages">{icons.CLOSE}</button>\n'
               f'<ul>{nav.sidebar(cfg.sidebar, current, titles)}</ul>\n</aside>\n'
               f'<div class="sidebar-backdrop" id="sidebar-backdrop" hidden></div>' if cfg.sidebar else "")
    return f"""<!DOCTYPE html>
<html lang="en" data-root="{root}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="description" content="{description}">
<title>{html.escape(page_title)}</title>
{THEME}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{asset('site.css')}">
<link rel="stylesheet" href="{asset('content.css')}">
<link rel="stylesheet" href="{asset('highlight.css')}">
<link rel="stylesheet" href="{asset('highlight-dark.css')}">
<link rel="stylesheet" href="{asset('search.css')}">
{scripts}
</head>
<body>
<a class="skip-link" href="#content">Skip to content</a>
<header class="site-header">
<nav class="navbar" aria-label="Site">
  <a class="brand" href="{nav.href('index.qmd', current)}">{html.escape(cfg.title)}</a>
  <div class="navbar-menu" id="navbar-menu">{nav.navbar(cfg.navbar, current)}</div>
  <div class="navbar-tools">
    <button type="button" class="search-button" id="search-open" aria-haspopup="dialog" aria-label="Search" aria-keyshortcuts="/ Control+K" title="Search (/ or Ctrl+K)">{icons.SEARCH}<span class="search-label">Search</span><kbd>/</kbd></button>
    <button type="button" class="theme-toggle" id="theme-toggle" aria-label="Dark mode" aria-pressed="false" title="Toggle dark mode">{icons.MOON}{icons.SUN}</button>
    <button type="button" class="navbar-toggler" id="navbar-toggler" aria-controls="navbar-menu" aria-expanded="false" aria-label="Menu">{icons.MENU}</button>
  </div>
</nav>
{sidebar_bar}
</header>
<div class="{layout}">
{sidebar}
<main class="content" id="content" data-pagefind-body>
{_title_block(meta, title, crumbs)}
{body}
{pager}
</main>
{toc_block}
</div>
<footer class="footer">{html.escape(cfg.page_footer)}</footer>
</body>
</html>
"""
