"""Where the budget feed goes: one signed HTTP POST per record (servicekit.push_endpoint, shared
with petition's 12345 adapter), configured by `BUDGET_FEED_URL`, `BUDGET_FEED_SECRET`,
`BUDGET_FEED_CA_FILE`, `BUDGET_FEED_TIMEOUT` … (rules: domain.feed_delivery).

No redirect is followed, TLS verifies the receiver against the CA file or the system's CAs,
nothing of a record's body is logged. `FeedEndpoint` reads the settings in setup() and refuses
the start on one not to run with; an unset BUDGET_FEED_URL turns the feed off: records are
kept, pending, and the delivery status says why.
"""

import os
from typing import Any

from servicekit.push_endpoint import Answer, HttpPushEndpoint, PushEndpoint
from servicekit.push_endpoint import endpoint_from as _endpoint_from

from .domain import feed_delivery as rules

__all__ = ["Answer", "FeedEndpoint", "HttpFeedEndpoint", "endpoint_from"]


class HttpFeedEndpoint(HttpPushEndpoint):
    """Posts signed records to BUDGET_FEED_URL; `settings.enabled` False posts nothing."""

    def __init__(self, settings: rules.FeedSettings):
        super().__init__(settings, rules.CA_FILE)


def endpoint_from(env: Any = os.environ) -> HttpPushEndpoint:
    """The endpoint the environment configures; servicekit.config.ConfigError if it must not run."""
    return _endpoint_from(rules.PREFIX, env)


class FeedEndpoint(PushEndpoint):
    """Injects the feed's endpoint; its settings are read in setup(), never at import time."""

    def __init__(self) -> None:
        super().__init__(rules.PREFIX, "budget feed off (预算联网监督推送未开启)")
