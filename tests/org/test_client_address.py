"""The client's address: X-Forwarded-For believed only from a trusted proxy, read from the right."""

from ipaddress import ip_network

import pytest
from django.test import RequestFactory

from tousu.org.client_address import client_address, client_key


def request(peer, forwarded=None):
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.fixture
def proxies(settings):
    settings.TOUSU_TRUSTED_PROXIES = [ip_network("10.0.0.0/24"), ip_network("127.0.0.1"),
                                      ip_network("fd00::/64")]


@pytest.mark.parametrize("peer, forwarded, expected", [
    ("203.0.113.5", "198.51.100.1", "203.0.113.5"),           # not a proxy: the header is a lie
    ("10.0.0.1", "198.51.100.1", "198.51.100.1"),              # our proxy: believed
    ("10.0.0.1", "1.2.3.4, 198.51.100.1", "198.51.100.1"),     # the client's own entry is ignored
    ("127.0.0.1", "198.51.100.1, 10.0.0.7", "198.51.100.1"),   # two proxies of ours
    ("10.0.0.1", "10.0.0.2", "10.0.0.2"),                      # all ours: started inside
    ("10.0.0.1", None, "10.0.0.1"),
    ("10.0.0.1", "garbage, 198.51.100.1", "198.51.100.1"),
    ("10.0.0.1", "198.51.100.1, garbage", "10.0.0.1"),         # our proxy never writes garbage
    ("fd00::1", "2001:db8::5", "2001:db8::5"),
    ("::ffff:203.0.113.5", None, "203.0.113.5"),
    ("", "198.51.100.1", "198.51.100.1"),                     # through a unix socket
    ("", None, None),
    ("not an address", "198.51.100.1", None),
])
def test_the_client_address(proxies, peer, forwarded, expected):
    assert client_address(request(peer, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TOUSU_TRUSTED_PROXIES = []
    assert client_address(request("127.0.0.1", "198.51.100.1")) == "127.0.0.1"
    assert client_address(request("", "198.51.100.1")) is None
    assert client_key(request("", "198.51.100.1")) == "unknown"


def test_an_ipv6_client_is_counted_by_its_64(settings):
    settings.TOUSU_TRUSTED_PROXIES = []
    assert client_key(request("2001:db8:1:2::5")) == client_key(request("2001:db8:1:2:ffff::9"))
    assert client_key(request("2001:db8:1:2::5")) != client_key(request("2001:db8:1:3::5"))
    assert client_key(request("203.0.113.5")) == "203.0.113.5"
