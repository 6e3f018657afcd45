from servicekit.alembic_env import run
from voting.box.models import BoxBase

run(BoxBase.metadata)
