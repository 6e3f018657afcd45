from servicekit.alembic_env import run
from supervision.db import (
    Base,
    checkpoints_models,  # noqa: F401
    groups_models,  # noqa: F401  (the groups part's; here a stand-in until it lands)
    models,  # noqa: F401  (registers the tables on Base.metadata)
)

run(Base.metadata)
