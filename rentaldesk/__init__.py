"""rentaldesk: the counter system of a car-rental branch.

The core (this package minus ``rentaldesk.gui``) never imports Qt: domain rules, the SQLAlchemy
models and migrations, the reservation engine and the ``rentaldesk`` command.
"""

__version__ = "0.1.0"
