"""Which network addresses and ports the crawler may connect to (issue 12 §3).

A host name is only a name: a `*.gov.cn` record can point at 127.0.0.1, at this machine's Redis, or at a
private network behind it. So the check is on the address the name resolves to, at the moment the
connection is made: `PublicAddressResolver` (Scrapy's TWISTED_DNS_RESOLVER) refuses loopback, private,
link-local, reserved, multicast and unspecified addresses, and so does every redirect, which resolves
through it again. URLs that carry an address literal never reach a resolver, and neither do names
sent to an HTTP proxy (the proxy resolves them): `address_problem` covers the first, and
PublicAddressMiddleware resolves the second through the same resolver before the request goes out.

The local portal farm answers on 127.0.0.1 for every host: farm crawls set
NIANBAO_ALLOW_PRIVATE_ADDRESSES explicitly (nianbao.demo.FARM_SETTINGS), nothing else turns the check off.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from crawler.urls import host_of


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (IPv4-mapped IPv6 judged as its IPv4 address)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def address_literal(url: str) -> str | None:
    """The IP address a URL names directly (http://10.0.0.1/, http://[::1]/), else None."""
    host = host_of(url)
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def address_problem(url: str) -> str | None:
    """Why a URL's own address literal is refused (None for host names and public addresses)."""
    literal = address_literal(url)
    if literal is not None and not is_public(literal):
        return f"{literal} is not a public address (loopback, private, link-local or reserved)"
    return None


def port_of(url: str) -> int | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:  # a port that is not a number, or out of range
        return None


def port_problem(url: str, allowed: Sequence[int]) -> str | None:
    port = port_of(url)
    if port in allowed:
        return None
    return f"port {port if port is not None else '(invalid)'} is not one of the web ports allowed " \
           f"({', '.join(map(str, allowed))}; setting NIANBAO_ALLOWED_PORTS)"


class PrivateAddressError(DNSLookupError):
    """A host name that resolves to an address the crawler must not connect to."""


class PublicAddressResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing names that resolve to non-public addresses (unless the setting
    NIANBAO_ALLOW_PRIVATE_ADDRESSES is on: the local farm)."""

    allow_private = False

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PublicAddressResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool("NIANBAO_ALLOW_PRIVATE_ADDRESSES")
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        d = super().getHostByName(name, timeout)
        if not self.allow_private:
            d.addCallback(self._refuse_private, name)
        return d

    @staticmethod
    def _refuse_private(address: str, name: str) -> str:
        if not is_public(address):
            raise PrivateAddressError(f"{name} resolves to {address}, which is not a public address")
        return address
