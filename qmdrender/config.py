"""The parts of ``_quarto.yml`` the renderer uses."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml


@dataclasses.dataclass(frozen=True)
class NavItem:
    text: str
    href: str | None = None
    children: tuple[NavItem, ...] = ()


@dataclasses.dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str
    description: str
    output_dir: str
    bibliography: str | None
    navbar: tuple[NavItem, ...]
    sidebar: tuple[NavItem, ...]
    execute: dict
    html: dict
    page_footer: str
    pre_render: tuple[str, ...] = ()
    website: dict = dataclasses.field(default_factory=dict)  # the whole `website:` block, for its switches

    def switch(self, key: str, default: bool = True) -> bool:
        """A ``website:`` on/off option (``page-navigation``, ``bread-crumbs``…); on unless set to false."""
        return self.website.get(key, default) not in (False, "false")

    def pages(self) -> list[str]:
        """Every .qmd under the project root, as relative paths (render order: sorted).

        Call it after the pre-render commands have run: pages they write are found like any other."""
        found = [p.relative_to(self.root).as_posix() for p in self.root.rglob("*.qmd")]
        skip = (self.output_dir + "/", ".venv/", ".cache/", "tests/")
        return sorted(p for p in found if not p.startswith(skip) and "/." not in "/" + p)


def _items(raw) -> tuple[NavItem, ...]:
    out = []
    for item in raw or []:
        if isinstance(item, str):
            out.append(NavItem(text=Path(item).stem.replace("-", " ").title(), href=item))
        elif "section" in item:
            out.append(NavItem(text=item["section"], href=item.get("href"), children=_items(item.get("contents"))))
        elif "menu" in item:
            out.append(NavItem(text=item.get("text", ""), children=_items(item["menu"])))
        else:
            out.append(NavItem(text=item.get("text", Path(item.get("href", "")).stem), href=item.get("href")))
    return tuple(out)


def _commands(raw) -> tuple[str, ...]:
    """``project: pre-render:`` as Quarto takes it: one command or a list of them."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list) and all(isinstance(c, str) for c in raw):
        return tuple(raw)
    raise ValueError(f"project: pre-render: must be a command or a list of commands, got {raw!r}")


def load(root: Path) -> SiteConfig:
    """Read ``_quarto.yml`` at ``root``."""
    data = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}
    project = data.get("project", {}) or {}
    website = data.get("website", {}) or {}
    navbar = website.get("navbar", {}) or {}
    sidebar = website.get("sidebar", {}) or {}
    if isinstance(sidebar, list):
        sidebar = sidebar[0]
    fmt = (data.get("format") or {}).get("html", {}) or {}
    footer = website.get("page-footer", "")
    if isinstance(footer, dict):
        footer = footer.get("center") or footer.get("left") or ""
    return SiteConfig(
        root=root,
        title=website.get("title", data.get("title", "")),
        description=website.get("description", ""),
        output_dir=project.get("output-dir", "_site"),
        bibliography=data.get("bibliography") or fmt.get("bibliography"),
        navbar=_items(navbar.get("left", [])) + _items(navbar.get("right", [])),
        sidebar=_items(sidebar.get("contents", [])),
        execute=data.get("execute", {}) or {},
        html=fmt,
        page_footer=str(footer),
        pre_render=_commands(project.get("pre-render")),
        website=website,
    )


def format_option(meta: dict, project_html: dict, key: str, default=None):
    """A Quarto HTML format option for one page: its ``format: html:``, then its front matter, then
    ``_quarto.yml``'s ``format: html:``, then ``default``."""
    page_format = meta.get("format") if isinstance(meta.get("format"), dict) else {}
    page_html = page_format.get("html") if isinstance(page_format.get("html"), dict) else {}
    for source in (page_html, meta, project_html):
        if key in source:
            return source[key]
    return default
