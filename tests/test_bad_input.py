"""Files that are not readable reports: each is refused with a one-line reason, never a traceback.

Every bad file is real: made on disk in the test (sparse 50 MB file, OLE2 header, reportlab
PDFs, zip packages). The CLI tests run the real ``gipr`` Typer app in-process.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from gipr_llm.domain.models import LoadError
from gipr_llm.load import MAX_BYTES, load, load_bytes

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def refused(path: Path | str) -> str:
    with pytest.raises(LoadError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message
    assert "(" in message and message.endswith(")")  # Chinese reason, short English in parentheses
    return message


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file(tmp_path):
    assert "文件为空" in refused(write(tmp_path, "empty.txt", b""))


def test_whitespace_only_file(tmp_path):
    assert "没有文字内容" in refused(write(tmp_path, "blank.txt", "  \n\u3000\r\n".encode()))


def test_missing_path(tmp_path):
    assert "文件不存在" in refused(tmp_path / "nowhere.txt")


def test_directory(tmp_path):
    assert "不是文件" in refused(tmp_path)


def test_binary_garbage_with_nuls(tmp_path):
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(20_000)) + b"\x00\x00"
    assert "不是文本或受支持的文档格式" in refused(write(tmp_path, "garbage.txt", data))


def test_binary_garbage_without_nuls(tmp_path):
    rng = random.Random(8)
    data = bytes(rng.randrange(1, 256) for _ in range(20_000))
    assert "不是文本或受支持的文档格式" in refused(write(tmp_path, "noise.txt", data))


def test_image_is_not_text(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    # A picture is read by OCR (tests/test_ocr.py); a broken one is refused as such.
    assert "图片" in refused(write(tmp_path, "scan.txt", png))


def test_text_of_control_characters(tmp_path):
    data = bytes([1, 2, 3, 4, 5, 6, 7, 0x1B, 0x1C]) * 500 + "一、总体情况".encode()
    assert "不是文本或受支持的文档格式" in refused(write(tmp_path, "ctrl.txt", data))


def test_50_mb_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: fast to make, 50 MB to stat()
    assert path.stat().st_size > MAX_BYTES
    tracemalloc.start()
    try:
        message = refused(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "文件过大" in message and "50 MB" in message
    assert peak < 10 * 1024 * 1024


def test_legacy_doc_asks_for_conversion(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096)
    message = refused(write(tmp_path, "report.doc", ole))
    assert ".doc" in message and ".docx" in message and "soffice --headless --convert-to docx" in message


def test_rtf_asks_for_conversion(tmp_path):
    assert "RTF" in refused(write(tmp_path, "r.doc", rb"{\rtf1\ansi\deff0 {\fonttbl} hello}"))


def test_word_2003_xml_and_mht_ask_for_conversion(tmp_path):
    wordml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Word.Document"?>\n'
        '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body/></w:wordDocument>'
    )
    assert "Word 2003 XML" in refused(write(tmp_path, "r.doc", wordml.encode()))
    mht = 'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n<html></html>'
    assert "MHT" in refused(write(tmp_path, "r.mht", mht.encode()))


def test_scanned_pdf_without_text_layer(tmp_path, monkeypatch):
    # Without the OCR extra, the refusal names the extra to install (tests/test_ocr.py
    # reads scans with it).
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(60, 60, 400, 600, fill=1)  # a page that is only a picture of something
    pdf.showPage()
    pdf.rect(80, 80, 300, 300, fill=0)
    pdf.save()
    message = refused(path)
    assert "没有可用的文字层" in message and "pip install 'gipr-llm[ocr]'" in message
    assert "\n" not in message


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt="secret")
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 700, "一、总体情况")
    pdf.save()
    assert "已加密" in refused(path)


def test_truncated_pdf(tmp_path):
    path = tmp_path / "whole.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 700, "一、总体情况")
    pdf.save()
    data = path.read_bytes()
    assert "已损坏" in refused(write(tmp_path, "cut.pdf", data[: len(data) // 2]))
    assert "已损坏" in refused(write(tmp_path, "junk.pdf", b"%PDF-1.7\n" + b"nonsense " * 100))


def test_corrupt_docx(tmp_path):
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document>not closed")
    assert "Word 文档已损坏" in refused(path)


def test_zip_that_is_not_a_docx(tmp_path):
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("report.txt", "一、总体情况")
    assert "不是 Word 文档" in refused(path)


def test_truncated_zip_named_docx(tmp_path):
    # Starts like a zip, but the central directory is gone: not a package at all.
    assert "不是 Word 文档" in refused(write(tmp_path, "half.docx", b"PK\x03\x04" + os.urandom(500)))


def test_load_bytes_raises_only_load_error_on_random_prefixes():
    # Whatever the magic bytes promise, a broken body ends as LoadError (any other
    # exception fails the test), with a one-line message.
    rng = random.Random(3)
    refusals = 0
    for magic in (b"%PDF-1.4\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"<html>"):
        for _ in range(5):
            data = magic + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
            try:
                load_bytes(data, "fuzz")
            except LoadError as err:
                assert "\n" not in str(err)
                refusals += 1
    assert refusals >= 20  # random bodies are almost never readable


# --- CLI --------------------------------------------------------------------------
# The lead owns gipr_llm/cli.py; these tests pin the documented contract of
# `gipr extract PATH...`: failed inputs exit 2 with `gipr: <path>: <reason>` on stderr,
# good inputs are still written, and the failed ones are listed at the end.


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_extract(runner: CliRunner, *args: str):
    from gipr_llm.cli import app

    return runner.invoke(app, ["extract", *args])


def test_cli_one_bad_file_is_one_line_error_and_exit_2(tmp_path, runner):
    bad = write(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    result = run_extract(runner, str(bad))
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    error_lines = [line for line in result.stderr.splitlines() if line.startswith(f"gipr: {bad}: ")]
    assert len(error_lines) == 1 and "soffice" in error_lines[0]
    assert "Traceback" not in result.stderr
    out = json.loads(result.stdout)
    assert out["status"] == "failed" and out["path"] == str(bad)


def test_cli_batch_keeps_good_files_and_lists_failures_last(tmp_path, runner, seed_paths):
    bad = write(tmp_path, "garbage.txt", os.urandom(2000) + b"\x00")
    missing = tmp_path / "missing.txt"
    good = seed_paths["003"]
    result = run_extract(runner, str(good), str(bad), str(missing))
    assert result.exit_code == 2
    objects = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [o["status"] for o in objects] == ["ok", "failed", "failed"]
    assert objects[0]["table3"]["rows"]["new_received"][-1] == 271  # the good file is still read
    assert [o["path"] for o in objects[1:]] == [str(bad), str(missing)]
    stderr = result.stderr.splitlines()
    assert any(line.startswith(f"gipr: {bad}: 不是文本") for line in stderr)
    assert any(line.startswith(f"gipr: {missing}: 文件不存在") for line in stderr)
    # The failed inputs are listed again at the end, after the per-file errors.
    tail = stderr[-2:]
    assert str(bad) in tail[0] and str(missing) in tail[1]


def test_cli_output_file_gets_the_json_lines(tmp_path, runner, seed_paths):
    bad = write(tmp_path, "empty.txt", b"")
    out = tmp_path / "out.jsonl"
    result = run_extract(runner, str(seed_paths["001"]), str(bad), "-o", str(out))
    assert result.exit_code == 2
    assert result.stdout.strip() == ""
    objects = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [o["status"] for o in objects] == ["ok", "failed"]
    assert "文件为空" in objects[1]["error"]
