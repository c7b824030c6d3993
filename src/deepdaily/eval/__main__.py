"""``python -m deepdaily.eval PATH``: cluster and select a labelled day, print the figures."""

from __future__ import annotations

from deepdaily.eval.corpus import main

raise SystemExit(main())
