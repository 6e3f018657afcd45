"""Delivering the budget feed (预算联网监督系统): the platform's signed-push rules
(`servicekit.push`, pure and standard-library only, shared with petition's 12345 adapter) under
the feed's own settings, `BUDGET_FEED_*`.

Signature: `X-Minsheng-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`,
the timestamp being the `X-Minsheng-Timestamp` header (Unix seconds); `X-Minsheng-Record-Id`
lets the receiver drop a redelivery. 2xx and 409 are delivered; outages and configuration
(network errors, timeouts, 408, 425, 429, 5xx, 3xx, 401/403) are retried with backoff; any
other 4xx is dead at once; a retried record is dead after `max_attempts` attempts.
"""

from collections.abc import Mapping

from servicekit.push import (
    ALREADY_HAVE_IT,
    MAX_ERROR_CHARS,
    MIN_SECRET_BYTES,
    RECORD_ID_HEADER,
    RETRIED_4XX,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Outcome,
    SettingNames,
    Step,
    after_attempt,
    backoff_seconds,
    classify,
    describe_status,
    headers,
    signature,
)
from servicekit.push import PushConfigError as FeedConfigError
from servicekit.push import PushSettings as FeedSettings
from servicekit.push import settings_from as _settings_from

PREFIX = "BUDGET_FEED"
_NAMES = SettingNames.of(PREFIX)
URL, SECRET, CA_FILE = _NAMES.url, _NAMES.secret, _NAMES.ca_file
MAX_ATTEMPTS, TIMEOUT = _NAMES.max_attempts, _NAMES.timeout
BACKOFF, BACKOFF_MAX = _NAMES.backoff, _NAMES.backoff_max

__all__ = [
    "ALREADY_HAVE_IT",
    "BACKOFF",
    "BACKOFF_MAX",
    "CA_FILE",
    "MAX_ATTEMPTS",
    "MAX_ERROR_CHARS",
    "MIN_SECRET_BYTES",
    "RECORD_ID_HEADER",
    "RETRIED_4XX",
    "SECRET",
    "SIGNATURE_HEADER",
    "TIMEOUT",
    "TIMESTAMP_HEADER",
    "URL",
    "FeedConfigError",
    "FeedSettings",
    "Outcome",
    "Step",
    "after_attempt",
    "backoff_seconds",
    "classify",
    "describe_status",
    "headers",
    "settings_from",
    "signature",
]


def settings_from(env: Mapping[str, str]) -> FeedSettings:
    """The feed's settings from the environment; FeedConfigError for one not to start with."""
    return _settings_from(env, PREFIX)
