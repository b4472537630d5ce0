"""The API reference: quartodoc's pages from the docstrings, and docstrings fit to be those pages.

Every public object is listed in the `quartodoc:` sections of `_quarto.yml`; its docstring is Markdown (no
reStructuredText roles or double backticks), cites only keys of `references.bib`, names only real
`Assumptions` fields, lists every field of a record, and has an example that runs on its own, pasted into a
fresh interpreter.  `quartodoc build` writes one page per object with its title, parameters and examples.
"""

from __future__ import annotations

import dataclasses
import doctest
import inspect
import re
import warnings
from pathlib import Path

import griffe
import pytest
import yaml

import mlsysim

ROOT = Path(__file__).resolve().parents[1]
QUARTO = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
DOCS = QUARTO["quartodoc"]
ENTRIES = [entry for section in DOCS["sections"] for entry in section.get("contents", [])]
NAMES = [entry if isinstance(entry, str) else entry["name"] for entry in ENTRIES]
# Where griffe finds each name: an entry with a `package` names its home module (`explain`, the function, shares
# its name with the module mlsysim.solvers.explain).
PATHS = {(e if isinstance(e, str) else e["name"]):
         (e if isinstance(e, str) else f"{e['package'].removeprefix('mlsysim').strip('.')}.{e['name']}")
         for e in ENTRIES}
MODULES = {"cli", "formulas", "show", "sweep", "validation", "zoo"}
RST = re.compile(r":(?:meth|class|func|attr|data|mod|exc|obj|ref):`|(?<!`)``(?!`)")  # a role, or ``code``
CITATION = re.compile(r"@([A-Za-z0-9_:.\-]+)")
ASSUMPTION = re.compile(r"`Assumptions\.(\w+)")
FIELD_RECORDS_EXEMPT = {"Assumptions"}  # its 78 fields are documented in their metadata and shown as a table


@pytest.fixture(scope="module")
def package() -> griffe.Object:
    return griffe.load("mlsysim", docstring_parser="google")


def documented(package: griffe.Object) -> dict[str, griffe.Object]:
    """Every object quartodoc renders, by the path a reader sees: the listed names and their public members."""
    out: dict[str, griffe.Object] = {}
    for name in NAMES:
        obj = package[PATHS[name]]
        obj = obj.final_target if obj.is_alias else obj
        out[name] = obj
        if obj.is_class:
            for member_name, member in obj.members.items():
                if not member_name.startswith("_") and member.docstring and not member.is_alias:
                    out[f"{name}.{member_name}"] = member
    return out


def runtime(name: str):
    obj = mlsysim
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def test_sections_list_every_public_name():
    listed = set(NAMES)
    public = {n for n in mlsysim.__all__ if not n.startswith("__") and n not in MODULES}
    assert public <= listed, f"add to the quartodoc sections of _quarto.yml: {sorted(public - listed)}"
    formulas = {f"formulas.{n}" for n in mlsysim.formulas.__all__ if callable(getattr(mlsysim.formulas, n))}
    assert formulas <= listed, sorted(formulas - listed)
    assert len(NAMES) == len(listed), "a name is listed twice"
    for name in NAMES:
        runtime(name)  # every listed name exists


def test_quartodoc_reads_google_docstrings_into_reference():
    assert DOCS["package"] == "mlsysim" and DOCS["dir"] == "reference" and DOCS["parser"] == "google"
    assert "quartodoc build" in QUARTO["project"]["pre-render"]


def test_docstrings_are_markdown_without_rst(package):
    offenders = [f"{name}: {RST.search(obj.docstring.value).group(0)}"
                 for name, obj in documented(package).items()
                 if obj.docstring and RST.search(obj.docstring.value)]
    assert not offenders, "reStructuredText markup renders raw on the site; use `single backticks`:\n" + \
        "\n".join(offenders)


def test_every_listed_object_has_a_docstring_with_an_example(package):
    missing = []
    for name in NAMES:
        obj = package[PATHS[name]]
        texts = [obj.docstring.value if obj.docstring else ""]
        if obj.is_class:  # a solver's example may sit on its solve method
            texts += [m.docstring.value for m in obj.members.values() if m.is_function and m.docstring]
        if not any(">>>" in t for t in texts):
            missing.append(name)
    assert not missing, f"no example: {missing}"


def test_citations_are_in_the_bibliography(package, bib_keys):
    for name, obj in documented(package).items():
        text = obj.docstring.value if obj.docstring else ""
        for group in re.findall(r"\[(@[^\]]+)\]", text):
            for key in CITATION.findall(group):
                assert key in bib_keys, f"{name} cites {key}, which references.bib does not have"


def test_named_defaults_are_assumptions_fields(package):
    fields = {f.name for f in dataclasses.fields(mlsysim.Assumptions)}
    methods = {n for n in vars(mlsysim.Assumptions) if not n.startswith("_")}
    for name, obj in documented(package).items():
        for field in ASSUMPTION.findall(obj.docstring.value if obj.docstring else ""):
            assert field in fields | methods, f"{name} names Assumptions.{field}, which is not a field"


def _record_fields(obj) -> list[str] | None:
    if dataclasses.is_dataclass(obj):
        return [f.name for f in dataclasses.fields(obj) if not f.name.startswith("_")]
    if inspect.isclass(obj) and hasattr(obj, "model_fields"):
        return list(obj.model_fields)
    return None


@pytest.mark.parametrize("name", [n for n in NAMES if _record_fields(runtime(n)) is not None])
def test_records_document_every_field(package, name):
    if name in FIELD_RECORDS_EXEMPT:
        pytest.skip("documented field by field in its metadata")
    fields = _record_fields(runtime(name))
    doc = package[PATHS[name]].docstring
    listed = [a.name for s in (doc.parsed if doc else []) if isinstance(s, griffe.DocstringSectionAttributes)
              for a in s.value]
    assert sorted(listed) == sorted(fields), (
        f"{name}'s Attributes: section should list its fields: missing {sorted(set(fields) - set(listed))}, "
        f"not fields {sorted(set(listed) - set(fields))}")


@pytest.mark.parametrize("name", NAMES)
def test_examples_run_pasted_into_a_fresh_interpreter(package, name):
    """Unlike tests/test_docstrings.py, no names are given: an example imports what it uses, as a page's cell must."""
    obj = package[PATHS[name]]
    texts = [(name, obj.docstring)]
    if obj.is_class:
        texts += [(f"{name}.{n}", m.docstring) for n, m in obj.members.items() if m.is_function and m.docstring]
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mlsysim.PrecisionFallbackWarning)
        for where, doc in texts:
            if doc and ">>>" in doc.value:
                runner.run(doctest.DocTestParser().get_doctest(doc.value, {}, where, None, 0))
    assert runner.summarize(verbose=False).failed == 0, f"{name}: an example failed (output above)"


# --- The generated pages -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    """`quartodoc build` as `_quarto.yml` configures it, into a temporary directory."""
    import os

    from quartodoc import Builder

    out = tmp_path_factory.mktemp("reference")
    cwd = os.getcwd()
    os.chdir(ROOT)  # the renderer (reference/_renderer.py) is imported from the project root
    try:
        builder = Builder.from_quarto_config({**QUARTO, "quartodoc": {**DOCS, "dir": str(out)}})
        builder.out_inventory = str(out / "objects.json")
        builder.build()
    finally:
        os.chdir(cwd)
    return out


def takes_parameters(obj) -> bool:
    """Whether a reader passes `obj` arguments: a function or solver method with any, or a class built from some."""
    if inspect.isclass(obj) and hasattr(obj, "solve"):
        obj = obj.solve
    elif inspect.isclass(obj) and (_record_fields(obj) is not None or obj.__init__ is object.__init__
                                   or obj.__init__.__qualname__.split(".")[0] in ("BaseException", "Exception")):
        return False  # a record documents its fields instead; a bare exception or warning class takes none
    try:
        parameters = inspect.signature(obj).parameters
    except (TypeError, ValueError):
        return False
    return any(p.name not in ("self", "cls") for p in parameters.values())


@pytest.mark.parametrize("name", NAMES)
def test_each_object_has_its_page(package, pages, name):
    text = (pages / f"{name}.qmd").read_text(encoding="utf-8")
    assert re.match(rf'---\n#[^\n]*\ntitle: "{re.escape(name)}"\n---\n', text), "the page's title is the object's name"
    if DOCS["renderer"].get("execute_examples", True):
        assert "```{python}" in text, "the example runs when the page is rendered"
    else:
        assert "```python" in text, "the example is shown"
    obj = runtime(name)
    if not package[PATHS[name]].is_attribute and takes_parameters(obj):  # a catalog or `ureg` is an instance
        assert re.search(r"^#+ Parameters$", text, re.M), "a Parameters section"
    if _record_fields(obj) is not None and name not in FIELD_RECORDS_EXEMPT:
        assert re.search(r"^#+ Attributes$", text, re.M), "an Attributes section"
    assert ">>>" not in text and not RST.search(text)


def test_index_lists_every_object_with_its_summary(pages):
    text = (pages / "index.qmd").read_text(encoding="utf-8")
    assert re.match(r'---\n#[^\n]*\ntitle: "API reference"', text)
    for section in DOCS["sections"]:
        heading = section.get("title") or section.get("subtitle")
        assert re.search(rf"^#+ {re.escape(heading)}$", text, re.M), heading
    for name in NAMES:
        anchor = re.escape(name.replace(".", "-").lower())  # where links into the index land
        row = re.search(rf"^\| \[`{re.escape(name)}`\]\({re.escape(name)}\.qmd\){{#{anchor}}} \| (.+) \|$", text, re.M)
        assert row and row.group(1).strip(), f"{name} is not listed with its summary"
    assert {p.stem for p in pages.glob("*.qmd")} == {*NAMES, "index"}


@pytest.mark.slow
def test_rendered_reference_pages_have_no_raw_citations(site):
    for page in (site / "reference").glob("*.html"):
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.S)
        assert "[@" not in text, f"{page.name} shows a citation unrendered"
        assert "``" not in text and ":meth:" not in text and ":class:" not in text, page.name
