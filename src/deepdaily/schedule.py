"""Schedules that run the daily digest unattended: a crontab line and a systemd service + timer.

``deepdaily schedule print --cron|--systemd`` fills them in for the current settings: the
absolute path of the ``deepdaily`` executable, of the settings file (so the run finds its
database, output and sources from any working directory), and the time of day, a few minutes
after the profile's ``publish_hour`` in its ``timezone``, so the digest window has closed.

- systemd timers take the time in the profile's own timezone (``OnCalendar=… Asia/Shanghai``)
  and ``Persistent=true`` catches up a run missed while the machine was off;
- cron runs in the machine's local time, so the hour is converted from the profile's timezone
  for today's date (a timezone with daylight saving moves it twice a year: the line says so).

Overlapping runs are safe: ``deepdaily run`` takes the profile's run lock and a second one exits
at once. ``--deliver`` is added when ``[[deliver]]`` channels are configured.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from deepdaily.config import Settings

__all__ = ["MINUTES_AFTER", "Schedule", "cron_entry", "schedule_for", "systemd_units"]

#: Minutes after the profile's publish hour at which the run starts.
MINUTES_AFTER = 5


@dataclass(frozen=True)
class Schedule:
    """What to run, where and when."""

    command: list[str]  # argv of the run
    workdir: Path
    hour: int  # in ``timezone``
    minute: int
    timezone: str
    log: Path

    @property
    def shell(self) -> str:
        return shlex.join(self.command)


def _executable() -> str:
    """The ``deepdaily`` beside this interpreter, else on PATH, else ``python -m deepdaily``."""
    script = Path(sys.executable).with_name("deepdaily")
    if script.exists():
        return str(script)
    found = shutil.which("deepdaily")
    return found or shlex.join([sys.executable, "-m", "deepdaily"])


def schedule_for(settings: Settings, *, deliver: bool | None = None) -> Schedule:
    """The daily run for ``settings``: its command, working directory, time and log file."""
    config = settings.config_path.resolve() if settings.config_path else None
    workdir = config.parent if config else Path.cwd().resolve()
    command = shlex.split(_executable())
    if config is not None:
        command += ["--config", str(config)]
    command += ["--profile", settings.profile.name, "run"]
    if len(settings.profile_names()) > 1:
        command[-3:] = ["run", "--all-profiles"]
    wants_delivery = bool(getattr(settings, "deliver", None)) if deliver is None else deliver
    if wants_delivery:
        command.append("--deliver")
    profile = settings.profile
    minute = MINUTES_AFTER
    return Schedule(
        command=command,
        workdir=workdir,
        hour=profile.publish_hour,
        minute=minute,
        timezone=profile.timezone,
        log=workdir / "deepdaily.log",
    )


def _local_time(schedule: Schedule, on: date, local: ZoneInfo | None) -> datetime:
    zone = ZoneInfo(schedule.timezone)
    when = datetime(on.year, on.month, on.day, schedule.hour, schedule.minute, tzinfo=zone)
    return when.astimezone(local) if local is not None else when.astimezone()


def cron_entry(schedule: Schedule, *, on: date | None = None, local: ZoneInfo | None = None) -> str:
    """A crontab line (with a comment) running ``schedule`` daily in the machine's local time."""
    today = on or date.today()
    here = _local_time(schedule, today, local)
    later = _local_time(schedule, today + timedelta(days=182), local)
    note = (
        f"# deepdaily: daily at {schedule.hour:02d}:{schedule.minute:02d} {schedule.timezone}"
        f" = {here:%H:%M} local time"
    )
    if (later.hour, later.minute) != (here.hour, here.minute):
        note += f" (daylight saving moves it to {later:%H:%M} half the year: check twice a year)"
    run = f"cd {shlex.quote(str(schedule.workdir))} && {schedule.shell}"
    line = f"{here.minute} {here.hour} * * * {run} >> {shlex.quote(str(schedule.log))} 2>&1"
    return f"{note}\n{line}\n"


def systemd_units(schedule: Schedule, *, name: str = "deepdaily") -> dict[str, str]:
    """``{name}.service`` and ``{name}.timer`` running ``schedule`` daily, in its timezone."""
    service = "\n".join(
        [
            "[Unit]",
            "Description=deepdaily: collect, analyse and publish the day's digest",
            "Wants=network-online.target",
            "After=network-online.target",
            "",
            "[Service]",
            "Type=oneshot",
            f"WorkingDirectory={schedule.workdir}",
            f"ExecStart={schedule.shell}",
            "# keys for [[llm]] and [[deliver]]: KEY=value lines, never in deepdaily.toml",
            f"EnvironmentFile=-{schedule.workdir / 'deepdaily.env'}",
            "TimeoutStartSec=2h",
            "",
        ]
    )
    timer = "\n".join(
        [
            "[Unit]",
            f"Description=Run {name}.service daily",
            "",
            "[Timer]",
            f"OnCalendar=*-*-* {schedule.hour:02d}:{schedule.minute:02d}:00 {schedule.timezone}",
            "Persistent=true",
            "RandomizedDelaySec=60",
            "",
            "[Install]",
            "WantedBy=timers.target",
            "",
        ]
    )
    return {f"{name}.service": service, f"{name}.timer": timer}
