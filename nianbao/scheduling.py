"""Install or print the crawl schedule (the entries themselves are crawler/schedule.py's data)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crawler.schedule import cron_block, merge_crontab, systemd_units

ROOT = Path(__file__).resolve().parent.parent


def _command(archive_dir: str) -> str:
    exe = Path(sys.executable).with_name("nianbao")
    return f"{exe} crawl --archive {archive_dir} --jobdir var/jobs/scheduled"


def install_or_print(fmt: str, install: bool, archive_dir: str) -> str:
    command = _command(archive_dir)
    if fmt == "cron":
        block = cron_block(str(ROOT), command)
        if not install:
            return block
        current = subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout
        subprocess.run(["crontab", "-"], input=merge_crontab(current, block), text=True, check=True)
        return "installed into this user's crontab:\n" + block
    units = systemd_units(str(ROOT), command)
    if not install:
        return "\n".join(f"# {name}\n{text}" for name, text in units.items())
    target = Path.home() / ".config" / "systemd" / "user"
    target.mkdir(parents=True, exist_ok=True)
    for name, text in units.items():
        (target / name).write_text(text, encoding="utf-8")
    return f"written to {target}; enable with: systemctl --user enable --now nianbao-crawl.timer"
