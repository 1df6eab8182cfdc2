"""`python -m assistant.cli` runs the `policy-qa` command line."""

import sys

from assistant.cli import main

sys.exit(main())
