from petition.db import (  # noqa: F401  (the model modules register their tables on Base.metadata)
    Base,
    matters,
    models,
    open311,
    work_orders,
)
from servicekit.alembic_env import run

run(Base.metadata)
