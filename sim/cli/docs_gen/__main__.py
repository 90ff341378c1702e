"""``python -m sim.cli.docs_gen [--check]``."""

import sys

from sim.cli.docs_gen import main

sys.exit(main())
