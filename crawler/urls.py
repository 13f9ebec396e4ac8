"""Which hosts the crawler may fetch, and URL clean-up (pure)."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

DEFAULT_SUFFIXES = (".gov.cn",)
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd", ".jpg", ".jpeg", ".png",
                         ".tif", ".tiff", ".zip", ".rar")
ATTACHMENT_MARKERS = ("download.jsp", "downfile", "download.do", "/attachment/", "fileid=", "wbfileid=")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_trusted_host(url: str, suffixes: tuple[str, ...] = DEFAULT_SUFFIXES) -> bool:
    """Only government hosts (*.gov.cn) unless configured otherwise: mirrors copy and alter reports."""
    host = host_of(url)
    return any(host == s.lstrip(".") or host.endswith(s) for s in suffixes)


def canonical_url(url: str) -> str:
    """Drop the fragment; keep the query (Hanweb and VSB put the document id there)."""
    return urldefrag(url)[0]


def is_attachment(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith(ATTACHMENT_EXTENSIONS) or any(m in url.lower() for m in ATTACHMENT_MARKERS)


IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff")


def is_image(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(IMAGE_EXTENSIONS)
