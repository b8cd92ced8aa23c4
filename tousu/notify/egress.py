"""Every outgoing HTTP request goes through here: webhooks today, group robots and SMS gateways
when they come. A target someone typed into a subscription must not reach the machine itself,
the cloud's metadata service or the internal network (server-side request forgery).

- Only http and https URLs.
- The host is resolved once, every address it resolves to is checked, and the connection goes to
  that very address (pinned), so a name that resolves to a public address when checked and to
  127.0.0.1 a moment later (DNS rebinding) gets nowhere. The Host header, TLS SNI and the
  certificate check still use the name.
- Loopback, private, link-local, shared, multicast, reserved and unspecified addresses are
  refused, unless the operator names the host (or its network) in TOUSU_WEBHOOK_ALLOW_HOSTS.
- Redirects are not followed: a 3xx answer is a failed delivery.
- Environment proxies are not used (they would connect on our behalf, past the check)."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

SCHEMES = {"http": 80, "https": 443}


class BlockedTarget(Exception):
    """The URL may not be sent to; the message says why, for the person who typed it."""


class DeliveryError(Exception):
    """The receiver was reached but did not accept the request."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query string


def parse(url: str) -> Target:
    """The URL's parts, or BlockedTarget when it is not an http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise BlockedTarget(_("The URL is not valid: %(error)s") % {"error": exc}) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise BlockedTarget(_("Only http and https URLs are allowed, not %(scheme)s.")
                            % {"scheme": scheme or "?"})
    if not parts.hostname:
        raise BlockedTarget(_("The URL has no host."))
    if parts.username or parts.password:
        raise BlockedTarget(_("The URL may not carry a user name or password."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, parts.hostname.lower().rstrip("."), port or SCHEMES[scheme], path)


def _allowed() -> tuple[set[str], list]:
    names, networks = set(), []
    for entry in settings.TOUSU_WEBHOOK_ALLOW_HOSTS:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.lower().rstrip("."))
    return names, networks


def _public(address) -> bool:
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved
                                      or address.is_loopback or address.is_link_local
                                      or address.is_private or address.is_unspecified)


def resolve(target: Target) -> str:
    """The one address to connect to, after checking every address the host resolves to.
    Raises BlockedTarget when the host does not resolve or any of its addresses is not public
    and neither the host nor the address is allowed by TOUSU_WEBHOOK_ALLOW_HOSTS."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise BlockedTarget(_("The host %(host)s cannot be resolved.") % {"host": target.host}) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise BlockedTarget(_("The host %(host)s cannot be resolved.") % {"host": target.host})
    names, networks = _allowed()
    if target.host not in names:
        for address in addresses:
            if not _public(address) and not any(address in net for net in networks):
                raise BlockedTarget(
                    _("%(host)s is an internal address (%(address)s): webhooks may only go to "
                      "public addresses, or to hosts the operator allows in "
                      "TOUSU_WEBHOOK_ALLOW_HOSTS.") % {"host": target.host, "address": address})
    return str(addresses[0])


def check(url: str) -> Target:
    """Refuse a URL that may not be sent to (when a subscription is saved); returns its parts."""
    target = parse(url)
    resolve(target)
    return target


def check_without_lookup(url: str) -> Target:
    """The checks that need no DNS: the scheme, and a host written as an address."""
    target = parse(url)
    try:
        ipaddress.ip_address(target.host)
    except ValueError:
        return target  # a name: checked when resolved
    resolve(target)  # an address literal resolves to itself, without a DNS query
    return target


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # SNI + name check


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST `body` to `url` through the guard; returns the 2xx status. Raises BlockedTarget for a
    refused target and DeliveryError for any answer other than 2xx (a redirect included)."""
    return exchange(url, body, headers, timeout=timeout)[0]


def exchange(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> tuple[int, bytes]:
    """`post`, returning the 2xx status and the first 64 KiB of the answer (a group robot says
    in its answer whether it took the message: DingTalk answers HTTP 200 with an errcode)."""
    target = parse(url)
    address = resolve(target)
    connection_class = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = connection_class(target.host, target.port, address=address, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(65536)  # a little of the answer, to end the exchange cleanly
        status = response.status
        if 300 <= status < 400:
            raise DeliveryError(f"HTTP {status}: redirect to {response.getheader('Location', '?')} "
                                "not followed")
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status}")
        return status, answer
    finally:
        connection.close()
