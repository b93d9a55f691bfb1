"""``python -m rentaldesk``: the same as the ``rentaldesk`` command."""

from rentaldesk.cli import main

if __name__ == "__main__":  # not when a child process (multiprocessing's spawn) imports it
    raise SystemExit(main())
