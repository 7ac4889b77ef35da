"""The pdfium PDF loader: guards before parsing, owner-password PDFs, rules rebuilt into cells.

``bomb.pdf`` (228 KB, one page whose content stream inflates to 96 MB) and
``owner_only.pdf`` (owner password only) are the issue-14 repros, kept in tests/data/repros.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as PdfTable

from gipr_llm.domain.models import LoadError
from gipr_llm.load import load
from gipr_llm.load.pdf_grid import HEdge, VEdge, find_tables
from gipr_llm.pipeline import read_report

ROOT = Path(__file__).resolve().parent.parent
REPROS = ROOT / "tests" / "data" / "repros"
pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def test_content_stream_bomb_is_refused_quickly_with_bounded_memory():
    # In a child process, so its peak memory is its own (VmHWM) and a regression cannot
    # take the test runner down with it.
    script = (
        "import sys\n"
        "from gipr_llm.load import load\n"
        "from gipr_llm.domain.models import LoadError\n"
        "try:\n"
        f"    load({str(REPROS / 'bomb.pdf')!r})\n"
        "except LoadError as e:\n"
        "    print('REFUSED', e)\n"
        "print('PEAK', [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.perf_counter() - start
    out = done.stdout.splitlines()
    refused = next(line for line in out if line.startswith("REFUSED"))
    assert "内容流" in refused and "GIPR_PDF_MAX_PAGE_CONTENT_MB" in refused and "\n" not in refused
    peak_kb = int(next(line for line in out if line.startswith("PEAK")).split()[1])
    assert peak_kb < 400 * 1024  # pdfium parsing the stream took 1.5 GB
    assert elapsed < 20  # pdfium parsing it took 15 s on this machine; the guard takes < 1 s


def test_limits_are_configurable(tmp_path, monkeypatch):
    path = tmp_path / "three.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(3):
        pdf.setFont("STSong-Light", 12)
        pdf.drawString(72, 700, f"第{page + 1}页 一、总体情况")
        pdf.showPage()
    pdf.save()
    assert len(load(path).lines) == 3
    monkeypatch.setenv("GIPR_PDF_MAX_PAGES", "2")
    with pytest.raises(LoadError, match="GIPR_PDF_MAX_PAGES=2"):
        load(path)
    monkeypatch.delenv("GIPR_PDF_MAX_PAGES")
    monkeypatch.setenv("GIPR_PDF_MAX_PAGE_CONTENT_MB", "0.0001")  # ~100 bytes
    with pytest.raises(LoadError, match="内容流"):
        load(path)


def test_owner_password_only_pdf_reads_like_any_text_layer_pdf():
    report = read_report(REPROS / "owner_only.pdf")
    assert report.source.format == "pdf"
    assert report.meta.agency == "北京市西城区信访办公室" and report.meta.year == 2024
    assert report.table2 is not None and report.table3 is not None and report.table4 is not None


def test_ruled_table_with_spans_rebuilt_from_rules(tmp_path):
    path = tmp_path / "spans.pdf"
    table = PdfTable(
        [["申请人情况", "", ""], ["自然人", "法人", ""], ["", "商业企业", "科研机构"], ["7", "8", "9"]],
        colWidths=[80, 80, 80],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONT", (0, 0), (-1, -1), "STSong-Light", 9),
                ("SPAN", (0, 0), (2, 0)),  # across three columns
                ("SPAN", (0, 1), (0, 2)),  # down two rows
                ("SPAN", (1, 1), (2, 1)),
            ]
        )
    )
    SimpleDocTemplate(str(path), pagesize=A4).build([table])
    doc = load(path)
    assert [line.cells for line in doc.lines] == [
        ["申请人情况"],
        ["自然人", "法人"],
        ["", "商业企业", "科研机构"],  # the span from above gives one empty cell
        ["7", "8", "9"],
    ]
    assert all(line.in_table for line in doc.lines)


def test_grid_from_pieces_of_rules():
    # Two cells side by side, the top rule drawn in two pieces and one border drawn twice.
    h = [HEdge(100, 0, 50), HEdge(100.5, 50, 100), HEdge(50, 0, 100), HEdge(50.2, 0, 100)]
    v = [VEdge(0, 50, 100), VEdge(50, 50, 100), VEdge(100, 50, 100)]
    (grid,) = find_tables(h, v)
    assert len(grid.cells) == 2
    assert grid.cell_at(25, 75) != grid.cell_at(75, 75)
    assert grid.cell_at(25, 20) is None
    assert find_tables([HEdge(100, 0, 50)], [VEdge(0, 50, 100)]) == []  # no closed cell


def test_bomb_behind_ascii85_is_refused_too(tmp_path):
    # The same 96 MB stream wrapped in ASCII85 (as reportlab writes streams): the ASCII layer
    # is undone first and the deflate still inflated only up to the limit.
    data = (REPROS / "bomb.pdf").read_bytes()
    head = data.index(b"<< /Length 232911")
    start = data.index(b"stream\n", head) + len(b"stream\n")
    raw = data[start : start + 232911]
    wrapped = base64.a85encode(raw) + b"~>"
    dictionary = b"<< /Length %d /Filter [/ASCII85Decode /FlateDecode] >>\nstream\n" % len(wrapped)
    path = tmp_path / "bomb_a85.pdf"
    path.write_bytes(data[:head] + dictionary + wrapped + data[start + 232911 :])
    with pytest.raises(LoadError, match="内容流"):
        load(path)


def test_invalid_limit_setting_is_one_clear_line(monkeypatch):
    monkeypatch.setenv("GIPR_PDF_MAX_PAGES", "many")
    with pytest.raises(LoadError, match="GIPR_PDF_MAX_PAGES"):
        load(REPROS / "owner_only.pdf")
