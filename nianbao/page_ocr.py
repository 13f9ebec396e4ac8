"""Article pages whose report is printed as page images: OCR of the archived images, as one report of the article.

The crawl does not OCR. Reading a page costs about 10 CPU seconds (25 s on a loaded 2-core machine), and the
crawl's pipeline runs in Scrapy's one reactor thread: a 10-page report would stall every download for minutes.
So the crawl records such an article as `image_only` (its page images archived as attachments), and
`nianbao ocr` — or `nianbao reparse`, which takes the crawl's decisions again from the stored fetch rows — reads
the article's archived page images, in the order the page shows them, as one report (parsers.parse_pages: a
table continued on the next image is stitched back), and saves it under the article's sha256: the same report
row the `image_only` record had, so its version and history carry on.

The page's own text (title, meta tags) is born digital: it wins over what OCR reads of the title, agency and
year, which keeps the report in the same (agency, year) version group. OCR that reads no report, or pages not
all archived yet, leave the record `image_only` with the reason.
"""

from __future__ import annotations

from w3lib.url import safe_url_string

from archive.directory import Archive
from archive.rawstore import CorruptDocument
from crawler.pipelines import NOT_READ_YET
from parsers import parse_pages

READ = ("ok", "partial")  # OCR results that are a report; anything else leaves the record image_only
PAGE_FIELDS = ("title", "agency", "year", "published")


def archived_pages(archive: Archive, urls: list[str]) -> tuple[list[bytes], str | None]:
    """The newest archived copy of each page image, in order; ([], why) when one is missing."""
    pages = []
    for n, url in enumerate(urls, start=1):
        row = archive.db.execute("SELECT sha256 FROM fetches WHERE url IN (?, ?) AND outcome = 'ok' "
                                 "AND sha256 IS NOT NULL ORDER BY id DESC LIMIT 1",
                                 [url, safe_url_string(url)]).fetchone()  # as Scrapy requested it (escaped)
        if row is None:
            return [], f"page image {n} of {len(urls)} is not archived yet; `nianbao ocr` reads them once it is"
        try:
            pages.append(archive.store.read(row[0]))
        except (OSError, CorruptDocument):
            return [], f"page image {n} of {len(urls)} has a missing or corrupt raw file; run `nianbao verify --repair`"
    return pages, None


def ocr_article(archive: Archive, record: dict, url: str, images: list[str]) -> dict:
    """The article's report read by OCR from its page images; `record` (the image_only one) when it cannot be."""
    pages, missing = archived_pages(archive, images)
    if missing:
        return _kept(record, missing)
    read = parse_pages(pages, source=url)
    if read["status"] not in READ:
        return _kept(record, f"OCR of the {len(pages)} page image(s) read no report: " + "; ".join(read["errors"]))
    for key in PAGE_FIELDS:
        if record.get(key):
            read[key] = record[key]
    read["sha256"] = record["sha256"]  # the article's report: same row, versions and history as before
    read["warnings"].append(f"the report is printed as {len(pages)} image(s) on the page; read by OCR")
    return read


def _kept(record: dict, why: str) -> dict:
    record["errors"] = [e for e in record.get("errors", []) if NOT_READ_YET not in e] + [why]
    return record
