"""The demo banner: every page says so when the database holds synthetic reports.

On when the NIANBAO_DEMO environment variable is 1/true/yes, or with `plugins: nianbao: demo: true` in
metadata. A Jinja global (not a template variable) so that error pages, which Datasette renders without
plugin template variables, show it too; base.html calls it. Read at render time, never cached.
"""

from __future__ import annotations

import os

from datasette import hookimpl

CONFIG = "nianbao"
BANNER = "演示数据：本库内容为合成数据 / Demo data: synthetic reports"


def demo_on(config: dict) -> bool:
    env = os.environ.get("NIANBAO_DEMO", "").strip().lower()
    return env in ("1", "true", "yes") or bool(config.get("demo"))


@hookimpl
def prepare_jinja2_environment(env, datasette):
    def nianbao_demo_banner() -> str:
        return BANNER if demo_on(datasette.plugin_config(CONFIG) or {}) else ""

    env.globals["nianbao_demo_banner"] = nianbao_demo_banner
