"""Double-click entry point: starts the tvdesk desktop app."""

import sys

from tvdesk.app import main

if __name__ == "__main__":
    sys.exit(main())
