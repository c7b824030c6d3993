"""Entry point: registers the commands and maps errors to exit codes (0 ok, 1 failure, 2 usage)."""

from __future__ import annotations

import sys

import click

from deepdaily.cli import commands as _commands  # noqa: F401  (registers commands)
from deepdaily.cli.app import app, err_console
from deepdaily.errors import DeepdailyError

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code (also used by ``python -m deepdaily``)."""
    try:
        result = app(args=argv, prog_name="deepdaily", standalone_mode=False)
    except DeepdailyError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
        return exc.exit_code
    except click.exceptions.Abort:
        err_console.print("aborted")
        return 1
    except click.exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
