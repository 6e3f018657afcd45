"""The gateway's routes as declarations: each route is written once, as a `Route`, and that one
value is served (`handle`), mounted as a nameko entrypoint (`mount`) and documented
(gateway.openapi). A service's routes are a package under gateway.routes exporting `ROUTES`."""

from .route import Route
from .where import Area, CallerArea, Letter

__all__ = ["Area", "CallerArea", "Letter", "Route"]
