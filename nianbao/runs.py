"""Run names of distributed crawls: `{date}` expansion for schedules, and whether a run has finished."""

from __future__ import annotations

import datetime as dt

from crawler.distributed import run_keys


def expand_run_name(run: str, today: dt.date | None = None) -> str:
    """`scheduled-{date}` → `scheduled-2026-12-07` (UTC): every worker host fired by the same schedule slot
    joins the same run, and the next slot is a new crawl, without `%` escapes in cron or systemd lines."""
    return run.replace("{date}", (today or dt.datetime.now(dt.UTC).date()).isoformat())


def finished_run(redis_url: str, run: str) -> str | None:
    """When the run finished (as its last worker or archive writer recorded it), or None if it has not."""
    import redis

    value = redis.Redis.from_url(redis_url).get(run_keys(run)["finished"])
    return value.decode() if isinstance(value, bytes) else value
