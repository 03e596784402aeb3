import sys

from tvdesk.sandbox.cli import main

sys.exit(main())
