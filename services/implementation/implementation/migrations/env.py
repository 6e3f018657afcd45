from implementation.db import (
    Base,
    models,  # noqa: F401  (registers the tables on Base.metadata)
)
from servicekit.alembic_env import run

run(Base.metadata)
