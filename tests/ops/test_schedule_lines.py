"""What `nianbao schedule` prints and installs (issue 14, section 1): quoted arguments, the log directory made by
the systemd unit too, rotated logs, lines for distributed workers, the linger hint, and a clear message when there
is no `crontab` program."""

from __future__ import annotations

import datetime as dt
import shlex
from pathlib import Path

from click.testing import CliRunner, Result

from nianbao.cli import cli
from nianbao.runs import expand_run_name


def _schedule(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["schedule", *args], env=env)


def _exec_start(output: str) -> list[str]:
    line = next(x for x in output.splitlines() if x.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart=").replace("%%", "%"))


def test_systemd_unit_makes_its_log_directory_and_quotes_the_archive() -> None:
    result = _schedule("--format", "systemd", "--archive", "/srv/my archive/100%", "--workdir", "/srv/nian bao")
    assert result.exit_code == 0, result.output
    assert "ExecStartPre=/bin/mkdir -p var/log" in result.output
    assert "WorkingDirectory=/srv/nian bao\n" in result.output
    argv = _exec_start(result.output)
    assert argv[argv.index("--archive") + 1] == "/srv/my archive/100%"
    assert argv[argv.index("--log-file") + 1] == "var/log/crawl.log"
    assert "%%" in result.output  # a lone % would be a systemd specifier
    assert "loginctl enable-linger" in result.output


def test_cron_line_quotes_paths_and_escapes_percent() -> None:
    result = _schedule("--archive", "/srv/my archive/100%", "--workdir", "/srv/nian bao")
    line = next(x for x in result.output.splitlines() if x and not x.startswith("#"))
    assert "cd '/srv/nian bao' && mkdir -p var/log && " in line
    assert "'/srv/my archive/100\\%'" in line  # cron turns a bare % into a newline
    assert "--jobdir var/jobs/scheduled --log-file var/log/crawl.log" in line


def test_distributed_schedule_prints_worker_lines_with_a_dated_run() -> None:
    result = _schedule("--archive", "/srv/archive", "--redis", "redis://10.0.0.5:6380")
    lines = [x for x in result.output.splitlines() if x and not x.startswith("#")]
    assert len(lines) == 5
    assert all("--redis redis://10.0.0.5:6380 --run 'scheduled-{date}'" in x for x in lines)
    assert not any("--jobdir" in x for x in lines)
    assert "every worker host" in result.output
    assert expand_run_name("scheduled-{date}", dt.date(2027, 1, 25)) == "scheduled-2027-01-25"


def test_install_without_crontab_says_so(tmp_path: Path) -> None:
    result = _schedule("--install", env={"PATH": str(tmp_path)})
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert "no `crontab` program" in result.output
    assert "--format systemd" in result.output
