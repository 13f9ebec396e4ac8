"""HTML pages whose report is an embedded PDF viewer or a gallery of page images: the record names what to
fetch, says why the page itself has no numbers, and the crawler fetches those files."""

from __future__ import annotations

import random

import pytest

import synth
from crawler.article import attachments
from parsers import parse

PAGE = "http://www.x.gov.cn/art/2024/1/20/art_1_2.html"
TITLE = "<h1>某县人民政府2023年政府信息公开工作年度报告</h1>"


def _page(body: str) -> bytes:
    return f"<html><head><title>年报</title></head><body>{TITLE}{body}</body></html>".encode()


@pytest.mark.parametrize(("body", "target"), [
    ('<iframe src="/pdfjs/web/viewer.html?file=%2Fuploads%2F2024%2Fnb.pdf" width="100%"></iframe>',
     "http://www.x.gov.cn/uploads/2024/nb.pdf"),
    ('<iframe src="/static/generic/web/viewer.html?file=http%3A%2F%2Fwww.x.gov.cn%2Fdown.jsp%3Fid%3D7"></iframe>',
     "http://www.x.gov.cn/down.jsp?id=7"),
    ('<embed src="files/nb2023.pdf" type="application/pdf" width="900" height="1200">',
     "http://www.x.gov.cn/art/2024/1/20/files/nb2023.pdf"),
    ('<object data="/getfile.do?id=9" type="application/pdf"><p>浏览器不支持</p></object>',
     "http://www.x.gov.cn/getfile.do?id=9"),
])
def test_embedded_pdf_viewer_names_the_document(body: str, target: str) -> None:
    record = parse(_page(body), PAGE)
    assert record["status"] == "partial"
    assert record["attachments"] == [target]
    assert "embedded document" in record["errors"][-1]
    assert target in attachments(_page(body).decode(), PAGE)


def test_image_gallery_is_image_only_with_its_pages_as_attachments() -> None:
    body = ('<img src="/images/logo.png"><img src="/upload/2024/nb-1.jpg" width="800">'
            '<img src="/upload/2024/nb-2.JPG"><img src="/upload/ico/print.png" width="16">'
            '<img src="data:image/png;base64,AAAA">')
    record = parse(_page(body), PAGE)
    assert record["status"] == "image_only"
    assert record["attachments"] == ["http://www.x.gov.cn/upload/2024/nb-1.jpg",
                                     "http://www.x.gov.cn/upload/2024/nb-2.JPG"]
    assert "2 image(s)" in record["errors"][-1]


@pytest.mark.parametrize("body", [
    '<iframe src="/pdfjs/web/viewer.html"></iframe>',  # a viewer with no file: nothing to fetch
    '<iframe src="https://v.x.gov.cn/video.html"></iframe><p>视频新闻</p>',  # an iframe that is not a PDF
    '<embed src="">',
])
def test_frames_that_show_no_document_change_nothing(body: str) -> None:
    record = parse(_page(body), PAGE)
    assert "attachments" not in record
    assert record["status"] != "partial" or not any("embedded" in e for e in record["errors"])


def test_page_without_report_title_is_not_made_a_report_by_a_photo() -> None:
    record = parse("<html><body><p>今天天气晴。</p><img src='photo.jpg'></body></html>".encode(), PAGE)
    assert record["status"] == "not_a_report"
    assert "attachments" not in record


def test_report_pages_with_their_tables_are_left_alone() -> None:
    record = synth.random_record(random.Random(3), "gov2021")
    html, _ = synth.render(record, "html-plain", random.Random(3))
    page = html.replace(b"</body>", b'<iframe src="/pdfjs/web/viewer.html?file=a.pdf"></iframe></body>')
    assert page != html
    parsed = parse(page, PAGE)
    assert parsed["status"] == "ok"
    assert parsed["requests"] == record["requests"]
    assert "attachments" not in parsed
