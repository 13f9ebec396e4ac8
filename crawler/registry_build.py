"""Regenerate crawler/registry.csv: one row per county-level unit, hand-found entries and earlier checks kept.

Usage: python -m crawler.registry_build   (the same as `nianbao sources registry --build`)
"""

from __future__ import annotations

from crawler.registry import REGISTRY_CSV, build, counts, load_registry, write_registry
from crawler.sources import REGISTRY, load_sources


def rebuild(path=REGISTRY_CSV, sources_path=REGISTRY) -> dict[str, int]:
    units = build(load_registry(path), load_sources(sources_path))
    write_registry(units, path)
    return counts(units)


def main() -> None:
    found = rebuild()
    print(f"{sum(found.values())} units written to {REGISTRY_CSV}: "
          + ", ".join(f"{n} {status}" for status, n in found.items()))


if __name__ == "__main__":
    main()
