"""``python -m deepdaily``."""

import sys

from deepdaily.cli.main import main

sys.exit(main())
