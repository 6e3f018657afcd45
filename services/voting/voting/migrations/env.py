from servicekit.alembic_env import run
from voting.db import Base

run(Base.metadata)
