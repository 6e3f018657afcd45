from servicekit.alembic_env import run
from supervision.db import (  # noqa: F401  (each module registers its tables on Base.metadata)
    Base,
    checkpoints_models,
    evaluation_models,
    groups_models,
    inspections_models,
    models,
    public_models,
)

run(Base.metadata)
