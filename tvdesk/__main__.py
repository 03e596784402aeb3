import sys

from tvdesk.app import main

sys.exit(main())
