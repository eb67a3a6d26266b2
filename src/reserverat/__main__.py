"""``python -m reserverat``: the command line, as ``reserverat`` runs it."""

import sys

from reserverat.cli import main

sys.exit(main())
