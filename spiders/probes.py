"""Network probes made during the crawl, stored in the page store for the checks to judge offline.

`network.no-ipv6`: an AAAA lookup and a TCP connect to the portal host (closed at once, nothing
sent), so `auditcli check` on a stored crawl needs no network and gives the same answer.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

from auditcli.core.urls import ip_literal
from auditcli.stores.pagestore import PageStore
from auditcli.stores.probes import Ipv6Probe, RedirectProbe, TlsScan, decode
from spiders.options import DEFAULT_USER_AGENT

TIMEOUT = 2.0  # seconds, for the lookup and for each connect
MAX_ADDRESSES = 3


def ipv6_probes(urls: list[str]) -> list[tuple[str, int, dict[str, Any]]]:
    """(host, port, outcome) of each distinct portal host:port: the network part, with no store open."""
    found = []
    for url in dict.fromkeys(urls):
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if host:
            reachable, detail = ipv6_probe(host, port, TIMEOUT)
            found.append((host, port, Ipv6Probe(reachable=reachable, detail=detail)))
    return found


def store_ipv6_probes(store: PageStore, found: list[tuple[str, int, Ipv6Probe]]) -> None:
    """Record the outcomes in the store's meta table (the checks judge them offline)."""
    for host, port, outcome in found:
        store.set_probe("ipv6", host, port, outcome)


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


class SecurityProber:
    """Crawl-time security probes, run in the background while the crawl goes on (docs/SPEC.md §6).

    - `tls(host, port)`: one sslyze scan per distinct HTTPS host:port of the run, in a child process
      (`python -m spiders.tlsscan`) killed at its deadline; `workers` scans at once.
    - `site(url)`: a site's start URL. An https site also gets the plain-HTTP redirect probe (its
      http:// form, same port when the URL names one, else 80); an http site gets a TLS scan of its
      https form (same port, else 443), whose failed handshake is `tls.no-https`.
    `finish(store)` waits for what is still running and stores every outcome as a probe
    (`tls` / `redirect`, host, port) for the checks to judge offline.
    """

    def __init__(self, ca_bundle: str | None = None, workers: int = 4, timeout: float = 90.0,
                 http_timeout: float = 10.0, user_agent: str = "auditcli"):
        from concurrent.futures import ThreadPoolExecutor

        self.ca_bundle = ca_bundle
        self.timeout = timeout
        self.http_timeout = http_timeout
        self.user_agent = user_agent
        self.jobs: dict[tuple[str, str, int], Any] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="auditcli-probe")

    def site(self, url: str) -> None:
        from auditcli.core.security import host_port, http_form, https_form

        if url.startswith("https://"):
            self.tls(*host_port(url))
            host, port = host_port(http_form(url))
            self._submit(("redirect", host, port), redirect_probe, http_form(url), self.http_timeout, self.user_agent)
        else:
            self.tls(*https_form(url))

    def tls(self, host: str, port: int) -> None:
        if host and sslyze_available():
            self._submit(("tls", host, port), tls_probe, host, port, self.ca_bundle, self.timeout, self.user_agent)

    def _submit(self, key: tuple[str, str, int], function, *args) -> None:
        with self._lock:
            if key not in self.jobs:
                self.jobs[key] = self._executor.submit(function, *args)

    def running(self) -> list[Any]:
        """The probes started and not done yet (futures)."""
        with self._lock:
            return [future for future in self.jobs.values() if not future.done()]

    def store_done(self, store: PageStore) -> None:
        """Store the outcome of every probe done so far (a site's checks may start before the crawl ends)."""
        with self._lock:
            jobs = [(key, future) for key, future in self.jobs.items() if future.done() and not future.cancelled()]
        for (kind, host, port), future in jobs:
            try:
                value = future.result()
            except Exception as exc:  # noqa: BLE001 - a probe that failed is recorded, never fatal
                value = decode(kind, {"error": f"{type(exc).__name__}: {exc}"})
            store.set_probe(kind, host, port, value)

    def finish(self, store: PageStore) -> dict[tuple[str, str, int], Any]:
        """Wait for every probe (each bounded by its own timeout) and store the outcomes."""
        with self._lock:
            jobs = dict(self.jobs)
        outcomes = {}
        for (kind, host, port), future in jobs.items():
            try:
                value = future.result()  # each probe is bounded by its own timeout
            except Exception as exc:  # noqa: BLE001 - a probe that failed is recorded, never fatal
                value = decode(kind, {"error": f"{type(exc).__name__}: {exc}"})
            store.set_probe(kind, host, port, value)
            outcomes[(kind, host, port)] = value
        self._executor.shutdown(wait=False, cancel_futures=True)
        return outcomes


    def abandon(self) -> None:
        """The crawl was interrupted: start nothing more (running scans end at their own timeouts)."""
        self._executor.shutdown(wait=False, cancel_futures=True)


def sslyze_available() -> bool:
    """sslyze is in the base install; an install without it (a broken environment) makes no TLS probe, and
    the TLS checks end as not judged, never as passed."""
    import importlib.util

    available = importlib.util.find_spec("sslyze") is not None
    if not available and not getattr(sslyze_available, "warned", False):
        import logging

        logging.getLogger("auditcli").warning("sslyze is missing from this environment (pip install sslyze, or reinstall auditcli): no TLS scans")
        sslyze_available.warned = True  # type: ignore[attr-defined]
    return available


def tls_probe(host: str, port: int, ca_bundle: str | None, timeout: float,
              user_agent: str | None = None) -> TlsScan:
    """sslyze in a child process, killed after `timeout` seconds."""
    return decode("tls", _tls_scan(host, port, ca_bundle, timeout, user_agent))


def _tls_scan(host: str, port: int, ca_bundle: str | None, timeout: float, user_agent: str | None) -> dict[str, Any]:
    """The scanner's JSON report (spiders/tlsscan.py), or what stopped it."""
    import json
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    if user_agent:  # the scan's one plain-HTTP look names auditcli and --contact too
        env["AUDITCLI_USER_AGENT"] = user_agent
    command = [sys.executable, "-m", "spiders.tlsscan", host, str(port)]
    if ca_bundle:
        command += ["--ca-bundle", str(ca_bundle)]
    begun = time.monotonic()
    plain = plain_http_port(host, port, 5.0, user_agent)  # an http-only site's https form: no sslyze process needed
    if plain:
        return {"host": host, "port": port, "sni": host, "tls": False, "error": plain, "protocols": {}, "ciphers": [],
                "certificate": None, "elapsed": round(time.monotonic() - begun, 2)}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:  # unknown, not "no TLS": the checks leave the host not judged
        return {"host": host, "port": port, "tls": None, "timeout": True,
                "error": f"TLS scan timed out after {timeout:g} s", "elapsed": round(time.monotonic() - begun, 2)}
    try:
        result = json.loads(done.stdout)
    except ValueError:
        return {"host": host, "port": port, "tls": None,
                "error": f"TLS scanner failed: {(done.stderr or done.stdout).strip()[-300:]}"}
    result["wall"] = round(time.monotonic() - begun, 2)
    return result


def plain_http_port(host: str, port: int, timeout: float, user_agent: str | None = None) -> str | None:
    """A quick look before the full scan: a port that answers a plain HTTP request is an HTTP port (an
    http-only site's https form), and sslyze would spend its retries there. Returns why there is no
    TLS, or None to go on with sslyze. A TLS server sent plain text closes, sends an alert, answers 400
    ("plain HTTP request was sent to HTTPS port") or redirects to https: those go on to sslyze."""
    try:
        with socket.create_connection((host, port), timeout=min(float(timeout), 3.0)) as raw:
            agent = user_agent or os.environ.get("AUDITCLI_USER_AGENT") or DEFAULT_USER_AGENT
            raw.sendall(f"HEAD / HTTP/1.0\r\nHost: {host}\r\nUser-Agent: {agent}\r\n\r\n".encode("ascii", "replace"))
            answer = raw.recv(1024)
    except ConnectionRefusedError as exc:
        return f"no TLS handshake: connection refused ({exc})"
    except OSError:
        return None
    status = answer.split(b" ", 2)[1] if answer.startswith(b"HTTP/") and answer.count(b" ") >= 2 else b""
    if not status or status == b"400" or (status.startswith(b"3") and b"https://" in answer.lower()):
        return None
    line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    return f"no TLS handshake: the port answers plain HTTP ({line})"


def redirect_probe(url: str, timeout: float, user_agent: str) -> RedirectProbe:
    """GET the plain-HTTP form of an https site once, without following: does it send the visitor to https?"""
    import http.client

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        connection.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                           headers={"User-Agent": user_agent})
        response = connection.getresponse()
        location = response.getheader("Location")
        return RedirectProbe(url=url, status=response.status, location=location)
    except ConnectionRefusedError as exc:
        return RedirectProbe(url=url, refused=True, error=str(exc))
    except (OSError, http.client.HTTPException) as exc:
        return RedirectProbe(url=url, error=f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
