"""Where the budget feed goes: one signed HTTP POST per record, and the dependency that reads
the feed's settings in setup() and injects the endpoint (rules: domain.feed_delivery).

Standard library only (http.client, ssl): no redirect is ever followed — a client that follows
a 302 resends a POST as a GET without its body, and a 200 to that GET would read as delivered —
so a 3xx is an answer like any other (retried). TLS verifies the receiver's certificate and host
name against BUDGET_FEED_CA_FILE, or the system's CAs without one. Each socket operation waits
at most BUDGET_FEED_TIMEOUT seconds. Nothing of a record's body is ever logged or recorded as
an error: an error says what failed (the status line, or the exception's type and text).

Lifecycle of `FeedEndpoint`: setup() parses the settings and loads the CA file, refusing the
start (servicekit.config.ConfigError) on a setting not to run with — a URL without its secret,
plain http to another host, an unreadable CA file; get_dependency() hands every worker the one
endpoint. Unset BUDGET_FEED_URL turns the feed off: records are kept, pending, and the delivery
status says why.
"""

import http.client
import logging
import os
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from nameko.extensions import DependencyProvider
from servicekit import config

from .domain import feed_delivery as rules

log = logging.getLogger(__name__)
MAX_ANSWER_BYTES = 64 * 1024  # read and dropped: the status is the answer


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (refused, reset, timed out, TLS failed)
    error: str | None  # why it was not a delivery, without any body content


class HttpFeedEndpoint:
    """Posts signed records to the configured URL; `settings.enabled` False posts nothing."""

    def __init__(self, settings: rules.FeedSettings):
        self.settings = settings
        self.parts = urlsplit(settings.url or "")
        self.context: ssl.SSLContext | None = None
        if self.parts.scheme == "https":
            try:
                self.context = ssl.create_default_context(cafile=settings.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise config.ConfigError(
                    f"无法读取 {rules.CA_FILE}，拒绝启动 ({rules.CA_FILE} unreadable: {exc})"
                ) from None

    def post(self, record_id: str, body: bytes, timestamp: int) -> Answer:
        connection = self._connection()
        path = (self.parts.path or "/") + (f"?{self.parts.query}" if self.parts.query else "")
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers=rules.headers(record_id, timestamp, body, self.settings.secret),
            )
            response = connection.getresponse()
            response.read(MAX_ANSWER_BYTES)
        except (OSError, http.client.HTTPException) as exc:  # ssl.SSLError and timeouts too
            return Answer(None, f"{type(exc).__name__}: {exc}"[: rules.MAX_ERROR_CHARS])
        finally:
            connection.close()
        if rules.classify(response.status) is rules.Outcome.DELIVERED:
            return Answer(response.status, None)
        return Answer(response.status, rules.describe_status(response.status, response.reason))

    def _connection(self) -> http.client.HTTPConnection:
        host, port, timeout = self.parts.hostname or "", self.parts.port, self.settings.timeout
        if self.context is not None:
            return http.client.HTTPSConnection(host, port, timeout=timeout, context=self.context)
        return http.client.HTTPConnection(host, port, timeout=timeout)


def endpoint_from(env: Any = os.environ) -> HttpFeedEndpoint:
    """The endpoint the environment configures; servicekit.config.ConfigError if it must not run."""
    try:
        settings = rules.settings_from(env)
    except rules.FeedConfigError as exc:
        raise config.ConfigError(str(exc)) from None
    return HttpFeedEndpoint(settings)


class FeedEndpoint(DependencyProvider):  # type: ignore[misc]  # subclasses untyped nameko
    """Injects the feed's endpoint; its settings are read in setup(), never at import time."""

    def setup(self) -> None:
        self.endpoint = endpoint_from()
        if not self.endpoint.settings.enabled:
            log.info(
                "budget feed off: %s unset, records stay pending (预算联网监督推送未开启)",
                rules.URL,
            )

    def get_dependency(self, worker_ctx: Any) -> HttpFeedEndpoint:
        return self.endpoint
