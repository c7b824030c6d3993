"""``python -m deepdaily.eval ARGS``: the same as ``deepdaily eval ARGS``."""

from __future__ import annotations

import sys

from deepdaily.cli.commands import eval as _eval  # noqa: F401  (registers the command)
from deepdaily.cli.main import main

raise SystemExit(main(["eval", *sys.argv[1:]]))
