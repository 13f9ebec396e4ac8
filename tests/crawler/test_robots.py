"""sites.robots_disallows comes from Protego, the parser Scrapy obeys robots.txt with."""

from __future__ import annotations

import pytest

from crawler.robots import disallows
from crawler.settings import USER_AGENT


@pytest.mark.parametrize(("robots", "expected"), [
    ("User-agent: *\nDisallow: /xxgk/xzjd/\n", "/xxgk/xzjd/"),
    ("User-agent: *\nDisallow: /a/ # private\nDisallow: /b/\n", "/a/\n/b/"),
    ("user-agent: *\ndisallow: /a/\n", "/a/"),  # field names are case-insensitive
    ("User-agent: Baiduspider\nDisallow: /\n", None),  # another crawler's group
    ("User-agent: *\nDisallow:\n", None),  # an empty Disallow allows everything
    ("User-agent: *\nDisallow: /a/\nAllow: /a/\n", None),  # Allow wins a tie
    ("User-agent: *\nDisallow: /*.pdf$\n", "/*.pdf$"),  # wildcards
    ("User-agent: nianbao\nDisallow: /n/\n\nUser-agent: *\nDisallow: /s/\n", "/n/"),  # our own group applies
    ("\ufeffUser-agent: *\nDisallow: /bom/\n", "/bom/"),
    ("", None),
    (None, None),
])
def test_disallows(robots: str | None, expected: str | None) -> None:
    assert disallows(robots, USER_AGENT) == expected


def test_default_agent_is_the_crawlers() -> None:
    robots = "User-agent: nianbao\nDisallow: /n/\n\nUser-agent: *\nDisallow: /s/\n"
    assert disallows(robots) == "/n/"
    assert disallows(robots, "SomeOtherBot/1.0") == "/s/"
