"""Where an attachment's bytes live. Collection keeps only metadata (name, type, size, SHA-256);
the store turns a checksum into a location, so a deployment can swap the local folder for an
object store without touching the use cases.

`ATTACHMENT_STORE_URL` (default `file://<DATA_DIR>/attachments`) is the base; files are
content-addressed: `<base>/<first two hex digits>/<sha256>`, so one file handed in twice is
stored once.
"""

from typing import Any, Protocol

from nameko.extensions import DependencyProvider
from servicekit import config


class AttachmentStore(Protocol):
    def location(self, sha256: str, content_type: str) -> str:
        """The URI where the bytes with this checksum are (or will be) kept."""
        ...


class UrlAttachmentStore:
    """Content-addressed locations under one base URL (file://, s3://, https://…)."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    def location(self, sha256: str, content_type: str) -> str:
        return f"{self.base_url}/{sha256[:2]}/{sha256}"


def default_store() -> UrlAttachmentStore:
    base = config.env("ATTACHMENT_STORE_URL", "") or (config.data_dir() / "attachments").as_uri()
    return UrlAttachmentStore(base)


class AttachmentStorage(DependencyProvider):
    """Injects the store; the setting is read in setup(), never at import time."""

    def setup(self) -> None:
        self.store = default_store()

    def get_dependency(self, worker_ctx: Any) -> AttachmentStore:
        return self.store
