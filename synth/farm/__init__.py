"""The portal farm: local, deterministic, simulated county portals for crawler tests, the demo and benchmarks.

    from synth.farm import Farm
    with Farm(seed=1) as farm:                  # 6 county portals + department sites + a non-gov mirror
        proxy = farm.proxy_url                  # http://127.0.0.1:<port>: use it as the HTTP proxy
        truth = farm.manifest()                 # every planted report, change and trouble spot
        farm.set_generation(1)                  # months later: one report edited, one removed, one new
        log = farm.requests                     # every request seen (status, bytes, conditional, outside)

    python -m synth.farm --seed 1 --port 8899   # the same from the command line

Same seed, same bytes. URL shapes per family: docs/farm.md.
"""

from synth.farm.antibot import pass_cookies, solve_jsl, solve_wzws
from synth.farm.server import Farm, RequestRecord
from synth.farm.spec import FAMILIES, MIRROR_HOST, FarmSpec

__all__ = ["FAMILIES", "MIRROR_HOST", "Farm", "FarmSpec", "RequestRecord", "pass_cookies", "solve_jsl", "solve_wzws"]
