"""The crawler → archive boundary: one fetched document (page or attachment) with what we know of it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FetchedDocument:
    url: str
    final_url: str
    http_status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    kind: str  # "article" | "attachment" | "list" | "blocked" | "robots" | "removed" | "not_modified" | "error"
    source_id: int | None = None
    division_code: str | None = None
    family: str | None = None
    referer: str | None = None
    title: str | None = None
    title_year: int | None = None
    meta: dict[str, str] = field(default_factory=dict)  # ArticleTitle, PubDate, 索引号, 发布机构 …
    attachments: list[str] = field(default_factory=list)
    note: str | None = None  # why a fetch failed or was refused, in plain words
