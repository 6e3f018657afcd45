from servicekit.alembic_env import run
from supervision.db import (
    Base,
    evaluation_models,  # noqa: F401  (evaluation's tables)
    models,  # noqa: F401  (registers the tables on Base.metadata)
)

run(Base.metadata)
