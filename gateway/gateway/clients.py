"""Who the client is, for the per-client limits: the peer's address — or, when the peer is one
of the proxies named in TRUSTED_PROXIES (comma-separated CIDRs), the right-most
X-Forwarded-For address that is not one of them.

Each proxy appends the address it received the request from, so reading from the right, the
first address no trusted proxy could have written is the one our outermost proxy saw: the
client. Everything left of it is whatever the client chose to send (taking the left-most value
let 200 requests with rotating values pass a 30/60 limit). A peer that is not a trusted proxy
is the client itself, whatever its headers say.
"""

import ipaddress
from collections.abc import Iterable

from servicekit.config import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
UNKNOWN = "unknown"
REPLACED = (
    "TRUST_PROXY 已由 TRUSTED_PROXIES 取代：请列出反向代理的网段，如 TRUSTED_PROXIES=10.0.0.0/8 "
    "(TRUST_PROXY=1 is replaced by TRUSTED_PROXIES, the comma-separated CIDRs of your proxies)"
)


def networks(text: str) -> tuple[Network, ...]:
    """TRUSTED_PROXIES parsed; a value that is not an address or CIDR refuses the start."""
    found = []
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        try:
            found.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ConfigError(
                f"TRUSTED_PROXIES 中的 {part!r} 不是地址或网段 (not an address or CIDR)"
            ) from exc
    return tuple(found)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:1.2.3.4 is 1.2.3.4
    return mapped or address


class Proxies:
    def __init__(self, trusted: Iterable[Network] = ()):
        self.trusted = tuple(trusted)

    def is_trusted(self, text: str) -> bool:
        address = _address(text)
        return address is not None and any(address in network for network in self.trusted)

    def client(self, peer: str | None, forwarded: Iterable[str]) -> str:
        """The client's address; `forwarded` holds every X-Forwarded-For header, in order."""
        if not peer:
            return UNKNOWN
        if not self.is_trusted(peer):
            return _canonical(peer)
        hops = [hop.strip() for value in forwarded for hop in value.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.is_trusted(hop):
                return _canonical(hop)
        return _canonical(hops[0]) if hops else _canonical(peer)  # only our proxies: the first


def _canonical(text: str) -> str:
    """One spelling per address (2001:DB8::1 and 2001:db8:0::1 are one client)."""
    address = _address(text)
    return str(address) if address is not None else text.strip()
