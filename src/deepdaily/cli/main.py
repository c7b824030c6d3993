"""Entry point: registers the commands and maps errors to exit codes (0 ok, 1 failure, 2 usage).

typer handles its own usage errors (exit 2) and ``--help`` (exit 0) in standalone mode; our
own :class:`~deepdaily.errors.DeepdailyError` escapes it and is printed here as one line.
Ctrl-C exits 130 and SIGTERM (a cron ``timeout``, a service stop) 143, both after the same
clean-up: the run is recorded ``interrupted``, its lock released, the extraction workers
stopped.
"""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType

from deepdaily.cli import commands as _commands  # noqa: F401  (registers the commands)
from deepdaily.cli.app import app, err_console
from deepdaily.errors import DeepdailyError

__all__ = ["main"]


_TERMINATED: list[int] = []  # set once SIGTERM arrived (typer turns the interrupt into exit 130)


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM is handled as Ctrl-C is: inside ``asyncio.run`` the run's task is cancelled (so
    it records itself ``interrupted`` and closes what it opened), elsewhere KeyboardInterrupt
    is raised; every ``finally`` runs either way."""
    _TERMINATED.append(signum)
    on_interrupt = signal.getsignal(signal.SIGINT)
    if callable(on_interrupt):
        on_interrupt(signal.SIGINT, frame)
    else:
        raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code (also used by ``python -m deepdaily``)."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    _TERMINATED.clear()
    try:
        app(args=argv, prog_name="deepdaily")
    except SystemExit as exc:
        code = exc.code
        if _TERMINATED and code == 130:
            err_console().print("terminated")
            return 143
        return code if isinstance(code, int) else (0 if code is None else 1)
    except DeepdailyError as exc:
        from rich.markup import escape

        err_console().print(
            f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
        )
        return exc.exit_code
    except KeyboardInterrupt:
        if _TERMINATED:
            err_console().print("terminated")
            return 143
        err_console().print("interrupted")
        return 130
    finally:
        _stop_extraction_workers()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _stop_extraction_workers() -> None:
    """Stop the extraction process pool now, not in an atexit hook (which never runs when the
    CLI itself is called from a multiprocessing child)."""
    documents = sys.modules.get("deepdaily.extract.documents")
    if documents is not None:
        documents.shutdown_workers()


if __name__ == "__main__":
    sys.exit(main())
