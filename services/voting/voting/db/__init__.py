"""The session database: `models` holds every table; the query modules beside it serve one part
of stage 2 each."""

from .models import MESSAGING, Base

__all__ = ["MESSAGING", "Base"]
