"""Recurring crawls as cron lines or systemd timers: weekly all year, daily around the legal deadlines.

Departments must publish by 1月31日 and governments by 3月31日 (2019 条例 第四十九条), so reports
cluster in the weeks before and after those dates; a daily crawl then catches them as they appear.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

MARK_BEGIN = "# >>> nianbao schedule >>>"
MARK_END = "# <<< nianbao schedule <<<"


@dataclass(frozen=True)
class Slot:
    why: str
    cron: str  # minute hour day-of-month month day-of-week
    calendar: str  # systemd OnCalendar


SLOTS = (
    Slot("weekly, all year", "17 3 * * 1", "Mon *-*-* 03:17:00"),
    Slot("daily, 20 Jan – 15 Feb (departments' deadline 31 Jan)", "17 3 20-31 1 *", "*-01-20..31 03:17:00"),
    Slot("daily, 20 Jan – 15 Feb (departments' deadline 31 Jan)", "17 3 1-15 2 *", "*-02-01..15 03:17:00"),
    Slot("daily, 20 Mar – 15 Apr (governments' deadline 31 Mar)", "17 3 20-31 3 *", "*-03-20..31 03:17:00"),
    Slot("daily, 20 Mar – 15 Apr (governments' deadline 31 Mar)", "17 3 1-15 4 *", "*-04-01..15 03:17:00"),
)


LOG_DIR = "var/log"
LINGER = ("a user timer runs only while you are logged in unless lingering is on: "
          "loginctl enable-linger \"$USER\"")


def cron_line(slot: Slot, workdir: str, command: str) -> str:
    """One crontab line: every argument shell-quoted, and `%` (a newline to cron) escaped."""
    line = f"cd {shlex.quote(workdir)} && mkdir -p {LOG_DIR} && {command} >> {LOG_DIR}/cron.log 2>&1"
    return f"{slot.cron} {line.replace('%', chr(92) + '%')}"


def cron_block(workdir: str, command: str) -> str:
    lines = [MARK_BEGIN]
    for slot in SLOTS:
        lines.append(f"# {slot.why}")
        lines.append(cron_line(slot, workdir, command))
    lines.append(MARK_END)
    return "\n".join(lines) + "\n"


def merge_crontab(existing: str, block: str) -> str:
    """Replace an earlier nianbao block (installing twice changes nothing) and keep everything else."""
    out, skipping = [], False
    for line in existing.splitlines():
        if line.strip() == MARK_BEGIN:
            skipping = True
        elif line.strip() == MARK_END:
            skipping = False
        elif not skipping:
            out.append(line)
    body = "\n".join(out).rstrip("\n")
    return (body + "\n" if body else "") + block


def _unit_escape(text: str) -> str:
    return text.replace("%", "%%")  # systemd specifiers start with %


def systemd_units(workdir: str, command: str) -> dict[str, str]:
    """A oneshot service (log directory made first; the command quoted as systemd reads it) and its timer."""
    service = f"""[Unit]
Description=nianbao crawl of county portals for annual reports

[Service]
Type=oneshot
WorkingDirectory={_unit_escape(workdir)}
ExecStartPre=/bin/mkdir -p {LOG_DIR}
ExecStart={_unit_escape(command)}
Nice=10
"""
    calendars = "\n".join(f"OnCalendar={slot.calendar}" for slot in SLOTS)
    timer = f"""[Unit]
Description=nianbao crawls: weekly, daily around the 31 Jan and 31 Mar deadlines

[Timer]
{calendars}
Persistent=true
RandomizedDelaySec=20min

[Install]
WantedBy=timers.target
"""
    return {"nianbao-crawl.service": service, "nianbao-crawl.timer": timer}
