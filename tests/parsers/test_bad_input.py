"""Bad input never raises: each case gets a status and a plain-language message, and memory stays bounded."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

from docx import Document as new_docx
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from parsers import parse
from parsers.sniff import sniff

ROOT = Path(__file__).resolve().parents[2]
STATUSES = {"ok", "partial", "not_a_report", "image_only", "unparseable", "error"}


def _pdf(text: str | None, encrypt: StandardEncryption | None = None) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    if text is None:
        c.rect(100, 100, 300, 300, fill=1)  # a page with only a drawing: no text layer
    else:
        c.setFont("STSong-Light", 14)
        c.drawString(72, 760, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def _docx(paragraph: str) -> bytes:
    doc = new_docx()
    doc.add_paragraph(paragraph)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _zip_bomb() -> bytes:
    """A DOCX-shaped zip whose document.xml would expand to 300 MB of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b"0" * (1 << 20)
            for _ in range(300):
                f.write(chunk)
    return buf.getvalue()


def _assert_clean(record: dict, status: str, words: str) -> None:
    assert record["status"] == status, record["errors"]
    assert record["errors"], "a failed document must say why"
    assert words in record["errors"][0]
    assert "Traceback" not in json.dumps(record, ensure_ascii=False)
    assert len(record["sha256"]) == 64


def test_empty_file() -> None:
    _assert_clean(parse(b"", "empty.pdf"), "unparseable", "empty")


def test_random_bytes() -> None:
    _assert_clean(parse(os.urandom(4096) + b"\x00", "random.bin"), "unparseable", "unknown binary")


def test_random_bytes_holding_a_markup_hint_are_binary() -> None:
    """`<p` turns up by chance in about 1 in 70 random 4 KB files: that made them HTML, 'not_a_report'."""
    data = bytearray(random.Random(70).randbytes(4096))
    data[100:103] = b"<p>"
    _assert_clean(parse(bytes(data) + b"\x00", "random.bin"), "unparseable", "unknown binary")
    assert sniff(b"<!doctype html>\n<p>\x1b[0m \xe5\xb9\xb4\xe6\x8a\xa5</p>") == "html"


def test_truncated_pdf() -> None:
    data = _pdf("某县2023年政府信息公开工作年度报告")
    _assert_clean(parse(data[: len(data) // 3], "cut.pdf"), "unparseable", "truncated or corrupt")


def test_encrypted_pdf() -> None:
    data = _pdf("某县2023年政府信息公开工作年度报告", StandardEncryption("secret", "owner", canPrint=0))
    _assert_clean(parse(data, "locked.pdf"), "unparseable", "encrypted")


def test_pdf_without_text_layer() -> None:
    _assert_clean(parse(_pdf(None), "scan.pdf"), "image_only", "no text layer")


def test_pdf_that_is_not_a_report() -> None:
    _assert_clean(parse(_pdf("关于举办春季运动会的通知"), "notice.pdf"), "not_a_report", "does not look like a report")


def test_docx_that_is_not_a_report() -> None:
    _assert_clean(parse(_docx("会议纪要：讨论了食堂菜单。"), "minutes.docx"), "not_a_report", "does not look like")


def test_truncated_docx() -> None:
    data = _docx("某县2023年政府信息公开工作年度报告")
    _assert_clean(parse(data[: len(data) // 2], "cut.docx"), "unparseable", "not a valid zip")


def test_docx_zip_bomb_is_refused_without_expanding() -> None:
    _assert_clean(parse(_zip_bomb(), "bomb.docx"), "unparseable", "zip bomb")


def test_html_without_tables() -> None:
    html = "<html><body><h1>新闻</h1><p>今天天气晴。</p></body></html>".encode()
    _assert_clean(parse(html, "news.html"), "not_a_report", "does not look like a report")


def test_broken_image_file() -> None:
    _assert_clean(parse(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.png"), "unparseable", "could not be decoded")


def test_gbk_html_declared_gb2312() -> None:
    html = '<html><head><meta charset="gb2312"></head><body><p>某县2022年政府信息公开工作年度报告</p></body></html>'
    record = parse(html.encode("gbk"), "gbk.html")
    assert record["title"] == "某县2022年政府信息公开工作年度报告"
    assert record["year"] == 2022


def test_gbk_html_from_http_header_only() -> None:
    html = "<html><body><p>某县2022年政府信息公开工作年度报告</p><p>“统计”</p></body></html>"
    record = parse(html.encode("gb18030"), "page.html", content_type="text/html; charset=GBK")
    assert record["agency"] == "某县"


BIG_HTML_SCRIPT = """
import sys
from parsers import parse
row = "<tr><td>123</td><td>行政许可</td><td rowspan=3>5</td></tr>\\n"
para = "<p>" + "政府信息公开工作稳步推进，" * 20 + "</p>\\n"
body = para * (10_200_000 // len(para.encode())) + "<table>" + row * (10_200_000 // len(row.encode())) + "</table>"
data = ("<html><body><p>某县2023年政府信息公开工作年度报告</p>" + body + "</body></html>").encode()
assert len(data) >= 20_000_000
record = parse(data, "big.html")
# VmHWM is this process's own peak: ru_maxrss would also count the pytest parent's size at fork (Linux carries
# the forked copy's high-water mark across exec), which grows with the tests that ran before.
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(record["status"], peak_kb // 1024)
"""


def test_20mb_html_page_parses_with_bounded_memory() -> None:
    out = subprocess.run(
        [sys.executable, "-c", BIG_HTML_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    status, peak_mb = out.stdout.split()
    assert status in STATUSES - {"error"}
    assert int(peak_mb) < 1500, f"peak RSS {peak_mb} MB"
