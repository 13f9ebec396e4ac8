"""Run the portal farm: python -m synth.farm --seed 1 --port 8899 [--sites 6] (or: nianbao farm serve)

Prints the port on the first line of stdout, then serves until interrupted. Use it as an HTTP proxy:
    http_proxy=http://127.0.0.1:8899 curl http://<farm host>/
    scrapy crawl … -s HTTPPROXY_ENABLED=True   (with http_proxy in the environment, or meta["proxy"])
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from synth.farm.server import Farm
from synth.farm.spec import FarmSpec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synth.farm", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8899, help="0 picks a free port")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--sites", type=int, default=6, help="number of county portals (up to 2850)")
    parser.add_argument("--reports-per-county", type=int, default=None)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--generation", type=int, default=0)
    parser.add_argument("--manifest", help="write the ground truth (JSON) to this file and keep serving")
    parser.add_argument("--sources-out", help="write the farm as a sources CSV (for `nianbao crawl --sources`)")
    args = parser.parse_args(argv)
    spec = FarmSpec.generate(args.seed, args.sites, reports_per_county=args.reports_per_county,
                             latency_ms=args.latency_ms)
    farm = Farm(spec, port=args.port, bind=args.bind)
    farm.set_generation(args.generation)
    if args.manifest:
        with open(args.manifest, "w", encoding="utf-8") as f:
            json.dump(farm.manifest(), f, ensure_ascii=False, indent=1)
    farm.start()
    if args.sources_out:  # written once the farm listens: its presence means the farm is up
        from crawler.sources import write_sources
        from synth.farm.sources import farm_sources

        os.makedirs(os.path.dirname(os.path.abspath(args.sources_out)), exist_ok=True)
        write_sources(farm_sources(farm.manifest()), args.sources_out)
    print(farm.port, flush=True)
    print(f"portal farm: {len(spec.sites)} hosts, seed {args.seed}, generation {farm.generation}; "
          f"use {farm.proxy_url} as the HTTP proxy; control: {farm.proxy_url}/__farm__/manifest", file=sys.stderr)
    try:
        farm.serve_forever()
    except KeyboardInterrupt:
        farm.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
