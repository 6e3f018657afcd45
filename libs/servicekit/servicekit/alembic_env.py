"""The body of every service's migrations/env.py: online migrations only.

On PostgreSQL an advisory lock serialises concurrent starts of several workers of one service.
"""

import zlib

from alembic import context
from sqlalchemy import MetaData, text

from .db import make_engine


def run(target_metadata: MetaData) -> None:
    cfg = context.config
    url = cfg.get_main_option("sqlalchemy.url")
    if url is None:  # servicekit.migrate always sets it; make_engine(None) would fail less clearly
        raise RuntimeError("alembic: no sqlalchemy.url (run migrations through servicekit.migrate)")
    engine = make_engine(url)
    lock_key = zlib.crc32(f"minsheng-migrate-{cfg.attributes.get('service')}".encode())
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_key})
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key})
                connection.commit()
    engine.dispose()
