"""The addresses at which students can reach the app: with ``--host 0.0.0.0`` the machine's own addresses.

``0.0.0.0`` (or ``::``) means "listen on every interface"; it is not an address a browser can open. The URLs to
hand out are then the machine's non-loopback IPv4 addresses (from :mod:`psutil` when installed, else from the
host name and the route the system would use to reach the outside, which sends nothing).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket

WILDCARDS = ("0.0.0.0", "::", "")


def _psutil_addresses() -> list[str]:
    try:
        import psutil
    except ImportError:
        return []
    return [a.address for addrs in psutil.net_if_addrs().values() for a in addrs if a.family == socket.AF_INET]


def _socket_addresses() -> list[str]:
    found = []
    with contextlib.suppress(OSError):
        found += socket.gethostbyname_ex(socket.gethostname())[2]
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(("192.0.2.1", 9))  # TEST-NET address: a UDP connect only picks the route, sends nothing
        found.append(sock.getsockname()[0])
    return found


def machine_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, in a stable order (private LAN ones first)."""
    seen = []
    for text in _psutil_addresses() + _socket_addresses():
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if address.is_loopback or address.is_link_local or address.is_unspecified or text in seen:
            continue
        seen.append(text)
    return sorted(seen, key=lambda a: (not ipaddress.ip_address(a).is_private, a))


def reachable_urls(host: str, port: int) -> list[str]:
    """The URLs to give the class for a server listening on ``host``:``port``."""
    if host in WILDCARDS:
        urls = [f"http://{a}:{port}/" for a in machine_addresses()]
        return urls or [f"http://127.0.0.1:{port}/"]
    shown = f"[{host}]" if ":" in host else host
    return [f"http://{shown}:{port}/"]
