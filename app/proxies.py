"""Who the client is: the peer's address, or what a trusted proxy says it forwarded for.

`X-Forwarded-For` is written by whoever sends the request, so it counts only when the peer
is one of the proxies listed in `SKK_TRUSTED_PROXIES`; then the nearest address in it that
is not itself a trusted proxy is the client. Whatever the header holds, the answer is a
valid IP address or the peer's own name, short enough for every column it is stored in.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

# An ASGI connection scope; typed here without the web framework, which config imports.
Scope = Mapping[str, Any]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# A forwarded chain longer than this is not from our proxies; only its tail is read.
MAX_FORWARDED_HOPS = 16
# The longest textual IPv6 address (with an embedded IPv4 tail).
MAX_ADDRESS_LENGTH = 45


def parse_networks(values: Iterable[str]) -> list[IPNetwork]:
    """Addresses or CIDR networks; raises ValueError naming the first that is neither."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"{value!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
            ) from None
    return networks


def _address(text: str) -> IPAddress | None:
    text = text.strip()
    if not text or len(text) > MAX_ADDRESS_LENGTH + 2:
        return None
    if text.startswith("[") and text.endswith("]"):  # "[2001:db8::1]"
        text = text[1:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class TrustedProxies:
    """Resolves the client address of a request from its peer and forwarded headers."""

    def __init__(self, networks: Iterable[IPNetwork] = ()) -> None:
        self.networks = tuple(networks)

    def trusts(self, address: IPAddress | None) -> bool:
        """True when the address belongs to a listed proxy."""
        return address is not None and any(address in net for net in self.networks)

    def client_address(self, scope: Scope) -> str | None:
        """The client's address for rate limits and the audit log."""
        client = scope.get("client")
        peer_text = str(client[0]) if client else None
        if peer_text is None:
            return None
        peer = _address(peer_text)
        if not self.networks or not self.trusts(peer):
            return str(peer) if peer is not None else peer_text[:MAX_ADDRESS_LENGTH]
        forwarded = _forwarded_for(scope)
        for hop in reversed(forwarded[-MAX_FORWARDED_HOPS:]):
            address = _address(hop)
            if address is None:
                break  # a hop we cannot read: stop at the last one we could
            if not self.trusts(address):
                return str(address)
            peer = address
        return str(peer)


def _forwarded_for(scope: Scope) -> list[str]:
    hops: list[str] = []
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            hops.extend(value.decode("latin-1").split(","))
    return hops
