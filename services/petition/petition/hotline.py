"""The 12345 hotline's link (12345 政务服务便民热线): the shared secret of the inbound webhook
and the outbound adapter's endpoint, read in setup() (servicekit.push_endpoint).

`PETITION_HOTLINE_SECRET` (at least 32 bytes, shared with the 12345 system) verifies every
webhook delivery and signs every finding posted; unset, the webhook refuses everything
(not_configured). `PETITION_HOTLINE_URL` is where findings go; unset, the adapter is off and
findings stay pending. `PETITION_HOTLINE_TIMEOUT`, `…_MAX_ATTEMPTS`, `…_BACKOFF_SECONDS`,
`…_BACKOFF_MAX_SECONDS` and `…_CA_FILE` as the budget feed's.
"""

import os
from collections.abc import Mapping

from servicekit import config
from servicekit import push as rules
from servicekit.push_endpoint import HttpPushEndpoint, PushEndpoint, endpoint_from

PREFIX = "PETITION_HOTLINE"
SECRET = rules.SettingNames.of(PREFIX).secret


class HotlineLink(HttpPushEndpoint):
    """The outbound endpoint, carrying the webhook's secret too."""

    inbound_secret: bytes = b""


def link_from(env: Mapping[str, str] = os.environ) -> HotlineLink:
    """The link the environment configures; servicekit.config.ConfigError if it must not run."""
    endpoint = endpoint_from(PREFIX, env)
    link = HotlineLink(endpoint.settings, rules.SettingNames.of(PREFIX).ca_file)
    secret = env.get(SECRET, "").encode()
    if secret and len(secret) < rules.MIN_SECRET_BYTES:
        raise config.ConfigError(
            f"{SECRET} 不足 {rules.MIN_SECRET_BYTES} 字节，拒绝启动 ({SECRET} is shorter than "
            f"{rules.MIN_SECRET_BYTES} bytes: refusing to start; `openssl rand -hex 32`)"
        )
    link.inbound_secret = secret
    return link


class Hotline(PushEndpoint):
    """Injects the hotline link; settings read in setup(), never at import time."""

    def __init__(self) -> None:
        super().__init__(PREFIX, "12345 findings adapter off (12345 问题报送未开启)")

    def setup(self) -> None:
        super().setup()
        self.endpoint = link_from()
