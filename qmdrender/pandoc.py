"""Markdown → HTML with the Pandoc binary shipped by ``pypandoc-binary``."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypandoc

HERE = Path(__file__).parent
READER = "markdown+raw_html+fenced_divs+bracketed_spans+pipe_tables+tex_math_dollars+implicit_figures"


class PandocError(Exception):
    """Pandoc failed, a citation key is missing from the bibliography, or a cross-reference has no target."""


def to_html(markdown: str, *, page: str, bibliography: Path | None, toc: bool, toc_depth: int = 3
            ) -> tuple[str, str, str]:
    """(toc html, body html, highlighting css) of ``markdown``.

    Cross-references are resolved (crossref.lua) before citeproc runs: Pandoc applies ``--citeproc`` in its
    place among the filters, and would otherwise read ``@fig-x`` as a citation."""
    args = [
        pypandoc.get_pandoc_path(), "--from", READER, "--to", "html5", "--standalone",
        "--template", str(HERE / "template.html"), "--mathml",
        "--lua-filter", str(HERE / "crossref.lua"), "--lua-filter", str(HERE / "quarto.lua"),
        "--highlight-style", "pygments", "--metadata", f"pagetitle={page}", f"--toc-depth={toc_depth}",
    ]
    if toc:
        args.append("--toc")
    if bibliography is not None:
        args += ["--citeproc", "--bibliography", str(bibliography), "--metadata", "link-citations=true",
                 "--metadata", "reference-section-title=References"]
    done = subprocess.run(args, input=markdown, capture_output=True, text=True, encoding="utf-8")
    ours = re.search(r"qmdrender: (.*)", done.stderr)
    if done.returncode != 0 and ours:
        raise PandocError(f"{page}: {ours.group(1)}")
    if done.returncode != 0:
        raise PandocError(f"{page}: pandoc failed:\n{done.stderr}")
    missing = re.findall(r"[Cc]itation (\S+) not found", done.stderr)
    if missing:
        raise PandocError(f"{page}: citation keys missing from the bibliography: {', '.join(sorted(set(missing)))}")
    toc_html, body, css = done.stdout.split("<!--QR-SPLIT-->")
    return toc_html.strip(), body.strip(), css.strip()
