import sys

from schv.cli import main

sys.exit(main())
