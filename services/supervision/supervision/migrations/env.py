from servicekit.alembic_env import run
from supervision.db import (
    Base,
    checkpoints_models,  # noqa: F401
    groups_models,  # noqa: F401  (the groups part's tables)
    models,  # noqa: F401  (registers the tables on Base.metadata)
    public_models,  # noqa: F401  (public supervision's tables)
)

run(Base.metadata)
