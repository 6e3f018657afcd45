from petition.db import Base
from servicekit.alembic_env import run

run(Base.metadata)
