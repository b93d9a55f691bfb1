"""Alembic environment: always run on the connection handed over by rentaldesk.migrations.upgrade."""

from alembic import context

from rentaldesk.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds the table
)
with context.begin_transaction():
    context.run_migrations()
