"""Which addresses and ports the crawler may reach (crawler/addresses.py), and the host middleware on redirects."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawler.addresses import PrivateAddressError, PublicAddressResolver, address_problem, is_public, port_problem
from crawler.middlewares import TrustedHostMiddleware
from crawler.settings import NIANBAO_ALLOWED_PORTS


@pytest.mark.parametrize(("address", "public"), [
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("240.0.0.1", False), ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
    ("not an address", False), ("202.96.128.86", True), ("114.114.114.114", True), ("2400:3200::1", True),
])
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_ports_and_address_literals() -> None:
    assert port_problem("http://www.hy.gov.cn/", NIANBAO_ALLOWED_PORTS) is None
    assert port_problem("https://www.hy.gov.cn:8443/a", NIANBAO_ALLOWED_PORTS) is None
    assert "port 6379 is not one of the web ports" in port_problem("http://www.hy.gov.cn:6379/", [80, 443])
    assert "(invalid)" in port_problem("http://www.hy.gov.cn:99999/", [80, 443])
    assert address_problem("http://www.hy.gov.cn/") is None
    assert address_problem("http://202.96.128.86/") is None
    assert "not a public address" in address_problem("http://[::1]:80/")


def test_the_resolver_refuses_what_resolves_to_a_private_address() -> None:
    assert PublicAddressResolver._refuse_private("202.96.128.86", "www.hy.gov.cn") == "202.96.128.86"
    with pytest.raises(PrivateAddressError, match=r"www\.hy\.gov\.cn resolves to 127\.0\.0\.1"):
        PublicAddressResolver._refuse_private("127.0.0.1", "www.hy.gov.cn")


def test_a_redirect_passes_the_host_policy_again() -> None:
    policy = TrustedHostMiddleware((".gov.cn", "10.0.0.5"), (80, 443), allow_private=False)
    policy.process_request(Request("http://www.hy.gov.cn/"))
    redirected = Request("http://10.0.0.5/admin", meta={"redirect_urls": ["http://www.hy.gov.cn/"]})
    with pytest.raises(IgnoreRequest, match=r"10\.0\.0\.5 is not a public address"):
        policy.process_request(redirected)
    with pytest.raises(IgnoreRequest, match="port 6379"):
        policy.process_request(Request("http://www.hy.gov.cn:6379/", meta={"redirect_urls": ["http://x.gov.cn/"]}))
    farm = TrustedHostMiddleware((".gov.cn", "10.0.0.5"), (80, 443), allow_private=True)
    farm.process_request(redirected)
