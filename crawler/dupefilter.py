"""A duplicate filter that never persists to JOBDIR.

Scrapy's filter writes a fingerprint when a request is *scheduled*; after a SIGKILL the requests that
were in flight are then lost for good on resume. Here the archive is the record of what is done: on
resume everything is rediscovered, and the pipeline skips what this crawl already archived.
"""

from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter


class MemoryDupeFilter(RFPDupeFilter):
    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(path=None, debug=crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter)
