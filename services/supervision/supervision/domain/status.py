"""What a status says."""

from typing import Any


def status_view(service: str, events_processed: int) -> dict[str, Any]:
    return {"service": service, "events_processed": events_processed}
