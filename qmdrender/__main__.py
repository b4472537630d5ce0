"""``python -m qmdrender``: build the site into the project's output directory."""

import sys

from .build import main

sys.exit(main())
