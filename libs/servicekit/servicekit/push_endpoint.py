"""Where a signed push goes: one HTTP POST per record, and the dependency that reads an
adapter's settings in setup() and injects the endpoint (rules: servicekit.push).

Standard library only (http.client, ssl): no redirect is ever followed — a client that follows
a 302 resends a POST as a GET without its body, and a 200 to that GET would read as delivered —
so a 3xx is an answer like any other (retried). TLS verifies the receiver's certificate and host
name against `<PREFIX>_CA_FILE`, or the system's CAs without one. Each socket operation waits
at most `<PREFIX>_TIMEOUT` seconds. Nothing of a record's body is ever logged or recorded as
an error: an error says what failed (the status line, or the exception's type and text).

Lifecycle of `PushEndpoint`: setup() parses the settings and loads the CA file, refusing the
start (servicekit.config.ConfigError) on a setting not to run with — a URL without its secret,
plain http to another host, an unreadable CA file; get_dependency() hands every worker the one
endpoint. An unset `<PREFIX>_URL` turns the push off: records are kept, pending.
"""

import http.client
import logging
import os
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from nameko.extensions import DependencyProvider

from . import config
from . import push as rules

log = logging.getLogger(__name__)
MAX_ANSWER_BYTES = 64 * 1024  # read and dropped: the status is the answer


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (refused, reset, timed out, TLS failed)
    error: str | None  # why it was not a delivery, without any body content


class HttpPushEndpoint:
    """Posts signed records to the configured URL; `settings.enabled` False posts nothing."""

    def __init__(self, settings: rules.PushSettings, ca_setting: str = "CA_FILE"):
        self.settings = settings
        self.parts = urlsplit(settings.url or "")
        self.context: ssl.SSLContext | None = None
        if self.parts.scheme == "https":
            try:
                self.context = ssl.create_default_context(cafile=settings.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise config.ConfigError(
                    f"无法读取 {ca_setting}，拒绝启动 ({ca_setting} unreadable: {exc})"
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


def endpoint_from(prefix: str, env: Any = os.environ) -> HttpPushEndpoint:
    """The endpoint the environment configures; servicekit.config.ConfigError if it must not run."""
    try:
        settings = rules.settings_from(env, prefix)
    except rules.PushConfigError as exc:
        raise config.ConfigError(str(exc)) from None
    return HttpPushEndpoint(settings, rules.SettingNames.of(prefix).ca_file)


class PushEndpoint(DependencyProvider):  # type: ignore[misc]  # subclasses untyped nameko
    """Injects an adapter's endpoint; its settings are read in setup(), never at import time.
    `prefix` names its environment variables, `off_note` is logged once when it is off."""

    def __init__(self, prefix: str, off_note: str) -> None:
        self.prefix, self.off_note = prefix, off_note

    def setup(self) -> None:
        self.endpoint = endpoint_from(self.prefix)
        if not self.endpoint.settings.enabled:
            log.info("%s (%s_URL unset: records stay pending)", self.off_note, self.prefix)

    def get_dependency(self, worker_ctx: Any) -> HttpPushEndpoint:
        return self.endpoint
