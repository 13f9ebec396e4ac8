"""What a robots.txt forbids this crawler, as recorded in the archive's `sites.robots_disallows`.

Scrapy's RobotsTxtMiddleware obeys robots.txt with Protego; the same parser decides here which Disallow
rules apply to the crawler's user agent (groups, Allow overrides, wildcards, comments), so what the archive
says was forbidden is what the crawl obeyed.
"""

from __future__ import annotations

import re

from protego import Protego

from crawler.settings import USER_AGENT

DISALLOW_LINE = re.compile(r"^\s*disallow\s*:\s*([^#\s]+)", re.IGNORECASE | re.MULTILINE)


def _example_path(rule: str) -> str:
    """A path the rule matches: wildcards filled in, the end anchor dropped."""
    path = rule.rstrip("$").replace("*", "x")
    return path if path.startswith("/") else "/" + path


def disallows(robots_txt: str | None, user_agent: str = USER_AGENT) -> str | None:
    """The Disallow rules that forbid `user_agent` something, one per line in file order; None when none do.
    Protego decides; the file's Disallow lines are only the candidates it is asked about."""
    if not robots_txt:
        return None
    robots_txt = robots_txt.removeprefix("\ufeff")  # as Scrapy's robots parsers read it
    parser = Protego.parse(robots_txt)
    rules = dict.fromkeys(DISALLOW_LINE.findall(robots_txt))
    forbidden = [r for r in rules if not parser.can_fetch("http://robots.invalid" + _example_path(r), user_agent)]
    return "\n".join(forbidden) or None
