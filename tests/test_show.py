"""Display helpers print aligned text in a terminal and HTML in a notebook."""

import pytest

from mlsysim import Q_, show


def test_table_aligns_columns(capsys):
    show.table(["Region", "Carbon"], [["Quebec", Q_(1.5, "t")], ["Poland", Q_(61.2, "t")]])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Region") and "Carbon" in lines[0]
    assert len({len(line) for line in lines}) == 1


def test_info_and_banner(capsys):
    show.banner("Domain: Node")
    show.info("Fleet", GPUs=512, Latency=Q_(0.54, "ms"))
    out = capsys.readouterr().out
    assert "== Domain: Node ==" in out and "GPUs: 512" in out and "Latency: 0.54 ms" in out


def test_html_escapes_and_labels():
    markup = show.table_html(["a<b"], [["<x>"]])
    assert "&lt;x&gt;" in markup and "<table" in markup


def test_bad_alignment_is_named():
    with pytest.raises(ValueError, match="align"):
        show.table_text(["a", "b"], [[1, 2]], "<")


@pytest.mark.parametrize(("value", "text"), [(1843.27, "1,843"), (0.5432, "0.5432"), (True, "True"), (12, "12")])
def test_format_value(value, text):
    assert show.format_value(value) == text
