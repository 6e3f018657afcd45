"""How a route is documented in OpenAPI: one `Route` per method and path, next to its handler."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    summary: str
    tag: str
    response: type | None = None
    status: int = 200
    body: type | None = None
    query: type | None = None
    login: bool = False
    public_limit: bool = False
    # Honours an Idempotency-Key header (a retried create returns the first result).
    idempotent: bool = False
    # Media types of a file download (the success body is the file, not JSON).
    files: tuple[str, ...] = ()
