"""`python -m fair` is the `fair` command."""

import sys

from fair.cli import main

sys.exit(main())
