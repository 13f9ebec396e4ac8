"""What `nianbao crawl` says at the end and the exit status it gives (documented in README, Crawling).

A crawl is a success only if it ran to its end, its log has no tracebacks, and its parse-error rate is normal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.health import PARSE_ERROR_LIMIT, abnormal

OK = 0
ERRORS_IN_LOG = 1  # tracebacks in the log, or the crawl stopped before its end
PARSE_ERRORS = 3  # more than PARSE_ERROR_LIMIT of the parsed documents have status 'error'
RUN_FINISHED = 4  # --run names a distributed run that has finished: nothing to do
ARCHIVE_BUSY = 75  # another crawl holds the archive's lock (EX_TEMPFAIL: try again later)


@dataclass
class Outcome:
    text: str
    exit_code: int


def judge(stats: dict[str, Any]) -> Outcome:
    """The summary line(s) and exit status of one crawl from its stats."""
    reason = stats.get("finish_reason")
    parsed, errors = stats.get("nianbao/parsed") or 0, stats.get("nianbao/parse_errors") or 0
    tracebacks = stats.get("nianbao/tracebacks") or 0
    head = (f"crawl #{stats.get('crawl_id')} {reason}: {stats.get('downloader/request_count') or 0} requests, "
            f"{stats.get('item_scraped_count') or 0} items, {parsed} documents parsed ({errors} with status error)")
    problems, code = [], OK
    if abnormal(parsed, errors):
        problems.append(f"ABNORMAL PARSE-ERROR RATE: {errors} of {parsed} documents parsed with status 'error' "
                        f"(over {PARSE_ERROR_LIMIT:.0%}); the parsers may be broken in this installation")
        code = PARSE_ERRORS
    if tracebacks:
        problems.append(f"{tracebacks} error(s) with tracebacks in the log, first: "
                        + " | ".join(stats.get("nianbao/first_errors") or []))
        code = ERRORS_IN_LOG
    if reason == "archive_write_error":
        problems.append("the archive could not be written (the reason is logged above, e.g. a full disk); the crawl "
                        "stopped, and the same command resumes it once that is fixed")
        code = ERRORS_IN_LOG
    elif reason != "finished":
        problems.append(f"the crawl did not finish ({reason}); run the same command again to resume it")
        code = ERRORS_IN_LOG
    if not problems:
        return Outcome(head + "\ncrawl OK", OK)
    return Outcome("\n".join([head, *(f"FAILED: {p}" for p in problems)]), code)
