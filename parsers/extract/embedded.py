"""HTML pages whose report is somewhere else: an embedded PDF viewer or a gallery of page images.

The page's text then has a title and no tables; the numbers are in the file the viewer shows (pdf.js
`viewer.html?file=…`, `<iframe>`/`<embed>`/`<object>` pointing at a PDF) or in the images of the
body. Both are named as the report's attachments, what the crawler fetches next (pure functions).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import etree

from parsers.extract.encoding import decode_html

PDF_TYPES = ("application/pdf", "application/x-pdf")
VIEWER_MARKS = ("viewer", "pdfjs", "pdf.js", "generic/web")
CHROME_WORDS = ("logo", "icon", "banner", "button", "btn", "arrow", "bg", "qrcode", "ewm", "erweima", "wza",
                "jiucuo", "blank.gif", "spacer", "/images/", "/img/common", "share", "print")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")
MIN_SIDE = 200  # width/height attributes below this are icons, not printed pages
_PARSER = etree.HTMLParser(remove_comments=True)


def _path(url: str) -> str:
    return urlsplit(url).path.lower()


def viewer_target(url: str) -> str | None:
    """The document a pdf.js-style viewer URL shows (its ?file= parameter), resolved against the viewer."""
    if not any(m in url.lower() for m in VIEWER_MARKS):
        return None
    files = parse_qs(urlsplit(url).query).get("file")
    return urljoin(url, files[0]) if files and files[0].strip() else None


def _pdf_source(el: etree._Element, base: str) -> str | None:
    raw = (el.get("src") or el.get("data") or "").strip()
    if not raw:
        return None
    url = urljoin(base, raw)
    if (target := viewer_target(url)) is not None:
        return target
    if _path(url).endswith(".pdf") or (el.get("type") or "").lower() in PDF_TYPES:
        return url
    return None


def embedded_pdfs(root: etree._Element, base: str) -> list[str]:
    """Documents shown by <iframe>, <embed>, <object> on the page, in page order, once each."""
    out: list[str] = []
    for el in root.iter("iframe", "embed", "object", "frame"):
        url = _pdf_source(el, base)
        if url and url not in out:
            out.append(url)
    return out


def _size_attr(el: etree._Element, name: str) -> int | None:
    digits = "".join(ch for ch in (el.get(name) or "").split(".")[0] if ch.isdigit())[:5]
    return int(digits) if digits else None


def _is_page_image(el: etree._Element, url: str) -> bool:
    low = url.lower()
    if not _path(url).endswith(IMAGE_EXTENSIONS) or any(w in low for w in CHROME_WORDS):
        return False
    sides = [s for s in (_size_attr(el, "width"), _size_attr(el, "height")) if s is not None]
    return not sides or max(sides) >= MIN_SIDE


def gallery_images(root: etree._Element, base: str) -> list[str]:
    """Images that can be the printed pages of a report (page chrome, icons and logos left out)."""
    out: list[str] = []
    for el in root.iter("img"):
        raw = (el.get("src") or "").strip()
        if not raw or raw.startswith("data:"):
            continue
        url = urljoin(base, raw)
        if _is_page_image(el, url) and url not in out:
            out.append(url)
    return out


def elsewhere(data: bytes, base: str, content_type: str | None = None) -> tuple[list[str], list[str]]:
    """(embedded PDFs, page images) of an HTML page; both empty when it cannot be read."""
    text, _ = decode_html(data, content_type)
    try:
        root = etree.fromstring(text, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return [], []
    if root is None:
        return [], []
    return embedded_pdfs(root, base), gallery_images(root, base)
