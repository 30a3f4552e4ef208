"""Network probes made during the crawl, stored in the page store for the checks to judge offline.

`network.no-ipv6`: an AAAA lookup and a TCP connect to the portal host (closed at once, nothing
sent), so `auditcli check` on a stored crawl needs no network and gives the same answer.
"""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

from auditcli.core.urls import ip_literal
from auditcli.stores.pagestore import PageStore

TIMEOUT = 2.0  # seconds, for the lookup and for each connect
MAX_ADDRESSES = 3


def probe_sites(store: PageStore, urls: list[str]) -> None:
    """Probe each distinct portal host:port once and record the outcome in the store's meta table."""
    for url in dict.fromkeys(urls):
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if host:
            reachable, detail = ipv6_probe(host, port, TIMEOUT)
            store.set_probe("ipv6", host, port, {"reachable": reachable, "detail": detail})


def ipv6_probe(host: str, port: int, timeout: float = 2.0) -> tuple[bool, str]:
    """(reachable, detail): AAAA lookup then a TCP connect (closed at once, nothing sent)."""
    literal = ip_literal(host)
    if literal is not None and literal.version == 4:
        return False, "IPv4 address literal: no IPv6"
    if literal is not None:
        addresses = [(str(literal), port, 0, 0)]
    else:
        addresses = _lookup_aaaa(host, port, timeout)
        if isinstance(addresses, str):
            return False, addresses
    errors = []
    for address in addresses[: int(MAX_ADDRESSES)]:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
            return True, f"connected to [{address[0]}]:{port}"
        except OSError as exc:
            errors.append(f"[{address[0]}]:{port} {type(exc).__name__}: {exc}")
        finally:
            sock.close()
    return False, "; ".join(errors) or "no IPv6 address"


def _lookup_aaaa(host: str, port: int, timeout: float) -> list[tuple] | str:
    """getaddrinfo(AF_INET6) in a daemon thread, so a dead resolver costs at most `timeout`."""
    result: dict[str, object] = {}

    def lookup() -> None:
        try:
            result["value"] = socket.getaddrinfo(host, port, socket.AF_INET6, socket.SOCK_STREAM)
        except OSError as exc:
            result["error"] = exc

    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return f"AAAA lookup of {host} timed out after {timeout:g} s"
    if "error" in result:
        return f"no IPv6 address for {host} ({result['error']})"
    addresses = [info[4] for info in result.get("value") or []]  # type: ignore[union-attr]
    return list(dict.fromkeys(addresses)) or f"no IPv6 address for {host}"
