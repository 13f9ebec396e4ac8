"""Determinism, attachment formats and the scaled (national) mode."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

from synth.farm import Farm, FarmSpec


def _sample_urls(manifest: dict[str, Any]) -> list[str]:
    urls = [s["home_url"] for s in manifest["sites"]]
    urls += [c["url"].split("#")[0] for s in manifest["sites"] for c in s.get("columns", [])]
    for r in manifest["reports"]:
        if not r["slow"]:
            urls.append(r["article_url"])
    for form in ("pdf", "docx", "images", "xls"):
        r = next(r for r in manifest["reports"] if r["form"] == form and r["blocked_by"] is None)
        urls.append(r["attachment_urls"][0])
    return urls


def test_same_seed_same_bytes() -> None:
    a, b = Farm(seed=5), Farm(seed=5)
    manifest = a.manifest()
    assert manifest == b.manifest()
    for url in _sample_urls(manifest):
        ra, rb = a.handle("GET", url, {"Referer": url}), b.handle("GET", url, {"Referer": url})
        assert (ra.status, ra.body) == (rb.status, rb.body), url
    assert set(Farm(seed=6).hosts) != set(a.hosts)


def test_attachments_are_real_files(farm: Farm, manifest: dict[str, Any]) -> None:
    def first(form: str) -> bytes:
        r = next(r for r in manifest["reports"] if r["form"] == form and r["blocked_by"] is None)
        reply = farm.handle("GET", r["attachment_urls"][0], {"Referer": r["article_url"]})
        assert reply.status == 200
        assert isinstance(reply.body, bytes)
        return reply.body

    assert first("pdf").startswith(b"%PDF")
    for form in ("docx", "doc", "wps"):
        assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(first(form))).namelist()
    assert first("images").startswith(b"\x89PNG")
    assert b"<table" in first("xls")


def test_scaled_spec_is_cheap() -> None:
    start = time.monotonic()
    spec = FarmSpec.generate(3, n_counties=2850, reports_per_county=50, latency_ms=(5, 40))
    assert time.monotonic() - start < 10
    counties = [s for s in spec.sites.values() if s.kind == "county"]
    assert len(counties) == 2850
    assert len(set(spec.sites)) == len(spec.sites)
    assert {s.family for s in counties} == {"trs", "hanweb", "gkmlpt", "vsb", "generic"}
    assert all(5 <= s.latency_ms <= 40 for s in counties)
    farm = Farm(spec)
    start = time.monotonic()
    for site in counties[1000:1010]:
        assert len(spec.content(site.host).reports()) == 50
        assert farm.handle("GET", f"http://{site.host}/robots.txt").status in (200, 404, 412, 521, 302)
    assert time.monotonic() - start < 5
