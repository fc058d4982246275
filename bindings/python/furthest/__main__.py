import sys

from furthest.cli import main

sys.exit(main())
