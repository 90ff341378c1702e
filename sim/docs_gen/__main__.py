"""``python -m sim.docs_gen [--check]``."""

import sys

from sim.docs_gen import main

sys.exit(main())
