"""Install or print the crawl schedule (the entries themselves are crawler/schedule.py's data).

Single machine: every slot runs the same command with one JOBDIR; a crawl that finished is finished, so the
next slot is a new crawl re-checking everything archived, and only a killed or stopped one is resumed.
Distributed (`--redis`): every worker host runs the same line; the run name holds `{date}`, so the hosts fired
by one slot join one run and the next slot is a new run.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from crawler.schedule import LINGER, cron_block, merge_crontab, systemd_units

ROOT = Path(__file__).resolve().parent.parent
JOBDIR = "var/jobs/scheduled"
LOG_FILE = "var/log/crawl.log"


@dataclass
class Plan:
    archive_dir: str
    workdir: str = str(ROOT)
    sources: str | None = None
    proxy: str | None = None
    settings: tuple[str, ...] = ()
    redis_url: str | None = None
    run: str = "scheduled-{date}"

    def argv(self) -> list[str]:
        exe = str(Path(sys.executable).with_name("nianbao"))
        args = [exe, "crawl", "--archive", self.archive_dir]
        if self.redis_url:
            args += ["--redis", self.redis_url, "--run", self.run]
        else:
            args += ["--jobdir", JOBDIR]
        args += ["--log-file", LOG_FILE]
        args += ["--sources", self.sources] if self.sources else []
        args += ["--proxy", self.proxy] if self.proxy else []
        for setting in self.settings:
            args += ["-s", setting]
        return args

    def command(self) -> str:
        return shlex.join(self.argv())


class NoCrontab(Exception):
    """No `crontab` program on this machine."""


def _distributed_note(plan: Plan) -> str:
    if not plan.redis_url:
        return ""
    return ("# distributed: install the same schedule on every worker host; `{date}` in the run name is the day\n"
            "# (UTC), so the workers a slot starts join one run. Queue mode: add -s NIANBAO_ARCHIVE_WRITER=queue\n"
            "# and run `nianbao archive-writer --run '" + plan.run + "' --until-done` on the archive host.\n")


def _install_cron(block: str) -> str:
    if shutil.which("crontab") is None:
        raise NoCrontab("no `crontab` program on this machine: install cron (Debian/Ubuntu: apt-get install cron), "
                        "or use --format systemd, or paste the lines printed without --install into your scheduler")
    current = subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout
    subprocess.run(["crontab", "-"], input=merge_crontab(current, block), text=True, check=True)
    return "installed into this user's crontab:\n" + block


def _enable_hint(target: str) -> str:
    return (f"# install: copy both units to {target}, then\n"
            "#   systemctl --user daemon-reload && systemctl --user enable --now nianbao-crawl.timer\n"
            f"# {LINGER}\n")


def install_or_print(fmt: str, install: bool, plan: Plan) -> str:
    command = plan.command()
    if fmt == "cron":
        block = cron_block(plan.workdir, command)
        return _install_cron(block) if install else _distributed_note(plan) + block
    units = systemd_units(plan.workdir, command)
    target = Path.home() / ".config" / "systemd" / "user"
    if not install:
        listing = "\n".join(f"# {name}\n{text}" for name, text in units.items())
        return _distributed_note(plan) + _enable_hint(str(target)) + listing
    target.mkdir(parents=True, exist_ok=True)
    for name, text in units.items():
        (target / name).write_text(text, encoding="utf-8")
    return (f"written to {target}; enable with: systemctl --user daemon-reload && "
            f"systemctl --user enable --now nianbao-crawl.timer\n{LINGER}")
