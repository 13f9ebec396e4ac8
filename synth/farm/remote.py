"""A running farm's ground truth read over its control endpoints (`nianbao audit --farm URL`).

Only the farm's own address is asked, never through a proxy.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.request import ProxyHandler, build_opener


def fetch_manifest(farm_url: str, generation: int | None = None) -> dict[str, Any]:
    query = "" if generation is None else f"?generation={generation}"
    with build_opener(ProxyHandler({})).open(f"{farm_url.rstrip('/')}/__farm__/manifest{query}", timeout=120) as r:
        return json.loads(r.read().decode("utf-8"))


def manifests(farm_url: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the current generation's manifest, those of every earlier generation)."""
    current = fetch_manifest(farm_url)
    return current, [fetch_manifest(farm_url, g) for g in range(current["generation"])]
