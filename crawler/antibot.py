"""Recognise anti-bot challenges (pure): they mean "blocked", never "no report here"."""

from __future__ import annotations

# (name, statuses that announce it or None for any, byte markers in the body or headers)
CHALLENGES = (
    ("瑞数 412 JS-cookie challenge", {412}, (b"$_ts", b"r='m'", b'r="m"')),
    ("加速乐 521 challenge", {521, 512}, (b"__jsl_clearance", b"document.cookie", b"__jsluid")),
    ("网站卫士 WZWSREL challenge", None, (b"wzwschallenge", b"WZWSREL", b"wzws_cid")),
    ("Tencent EdgeOne challenge", None, (b"EO_Bot_Ssid", b"__tst_status")),
    ("Aliyun WAF challenge", None, (b"acw_sc__v2",)),
)


def challenge_of(status: int, body: bytes, location: str = "") -> str | None:
    """The name of the challenge a response is, or None for an ordinary page."""
    head = body[:20000]
    for name, statuses, markers in CHALLENGES:
        if statuses is not None and status not in statuses:
            continue
        if any(m in head for m in markers) or any(m.decode() in location for m in markers):
            return name
    if status in (412, 521):
        return f"HTTP {status} challenge"
    return None
