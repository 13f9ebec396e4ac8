"""Spiders: `reports` crawls every registry source; `trs`, `hanweb`, … crawl one family's sources."""
