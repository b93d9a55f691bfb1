"""``python -m rentaldesk``: the same as the ``rentaldesk`` command."""

from rentaldesk.cli import main

raise SystemExit(main())
