"""`python -m tui.cli`: the `warroom` command."""

import sys

from tui.cli import main

sys.exit(main())
