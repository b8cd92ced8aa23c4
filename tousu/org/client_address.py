"""Who is asking: the client's address, for rate limits and the log-in lockout.

X-Forwarded-For is whatever the client wants it to be, except for what our own proxies append.
So it is believed only when the direct peer is a trusted proxy (TOUSU_TRUSTED_PROXIES), and
then read from the right: the first address that is not a trusted proxy is the one our nearest
proxy saw, which a client cannot forge (anything it sent stands further left). A peer without
an address came through a unix socket, from this machine: it is trusted as the loopback is."""

from __future__ import annotations

import ipaddress

from django.conf import settings

UNKNOWN = "unknown"
LOOPBACK = ipaddress.ip_address("127.0.0.1")


def _address(text: str):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return address.ipv4_mapped or address if address.version == 6 else address


def _trusted(address) -> bool:
    return any(address in network for network in settings.TOUSU_TRUSTED_PROXIES
               if network.version == address.version)


def client_address(request) -> str | None:
    """The client's address as text (None when there is none)."""
    remote = request.META.get("REMOTE_ADDR", "")
    peer = _address(remote) if remote else LOOPBACK  # no address: a unix socket, this machine
    if peer is None or not _trusted(peer):
        return str(peer) if peer and remote else None
    hops = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # our proxy appends a real address: past this, the client wrote it
            break
        if not _trusted(address):
            return str(address)
        peer, remote = address, hop
    return str(peer) if remote else None  # every hop is ours: the request started inside


def client_key(request) -> str:
    """What a per-client limit counts: the address, and for IPv6 its /64 (one subscriber
    usually holds a whole /64, so single addresses would give them millions of tries)."""
    text = client_address(request)
    address = _address(text) if text else None
    if address is not None and address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return text or UNKNOWN
