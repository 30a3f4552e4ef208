"""`auditcli doctor`: what this machine can do, found out in seconds rather than an hour into an audit.

Each capability is one small function returning a `Capability` row; every lookup goes through a module-level
name (importlib.util.find_spec, spiders.render.chromium_path, shutil.disk_usage…) so the tests can take a
part away by patching the lookup, never by uninstalling the tool.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import socket
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from auditcli.core.urls import redact
from auditcli.stores.history import default_history_path
from spiders import probes, render

OK, MISSING, WARNING = "ok", "missing", "warning"
LOW_DISK = 1 << 30  # 1 GiB: a fleet's page store and screenshots outgrow less within the two hours
COMMAND_TIMEOUT = 10.0  # seconds for `chromium --version` and `fc-list`: a hung binary must not hang the doctor
REDIS_TIMEOUT = 2.0
IPV6_PROBE_ADDRESS = ("2001:db8::1", 53)  # documentation prefix: connect() on UDP picks a route, sends nothing


@dataclass(frozen=True)
class Capability:
    """One row of the doctor's table: a capability, its status, what was found and what to install."""

    name: str
    status: str
    found: str
    install: str = ""


def version_of(module: str, distribution: str) -> str | None:
    """The installed version of `distribution` when `module` can be imported, else None (not imported:
    the doctor must stay fast and must not start anything)."""
    if importlib.util.find_spec(module) is None:
        return None
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "installed (version unknown)"


def crawl() -> Capability:
    """Scrapy is the base audit: without it nothing can be fetched."""
    version = version_of("scrapy", "scrapy")
    if version is None:
        return Capability("crawl", MISSING, "scrapy not importable", "pip install auditcli (reinstall: scrapy is in the base install)")
    return Capability("crawl", OK, f"scrapy {version}")


def tls() -> Capability:
    """Without sslyze the TLS checks end as not judged (never as passed)."""
    if not probes.sslyze_available():
        return Capability("TLS scanning", MISSING, "sslyze not importable", "pip install sslyze")
    return Capability("TLS scanning", OK, f"sslyze {version_of('sslyze', 'sslyze')}")


def playwright() -> Capability:
    version = version_of("playwright", "playwright")
    if version is None:
        return Capability("browser: Playwright", MISSING, "playwright not importable", "pip install 'auditcli[browser]'")
    return Capability("browser: Playwright", OK, f"playwright {version}")


def chromium() -> Capability:
    """The Chromium binary `--browser` would start, and whether it runs at all."""
    path = render.chromium_path()
    if path is None:
        return Capability("browser: Chromium", MISSING, "no chromium binary (or $AUDITCLI_CHROMIUM)",
                          "apt-get install chromium")
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Capability("browser: Chromium", WARNING, f"{path}: `--version` failed ({exc})", "apt-get install --reinstall chromium")
    version = done.stdout.strip().splitlines()[0] if done.stdout.strip() else f"exit {done.returncode}"
    return Capability("browser: Chromium", OK if done.returncode == 0 else WARNING, f"{path}: {version}")


def axe() -> Capability:
    try:
        _, version = render.axe_source()
    except render.BrowserUnavailable:
        return Capability("browser: axe-core", MISSING, "axe.min.js not found", "pip install 'auditcli[browser]'")
    return Capability("browser: axe-core", OK, f"axe-core {version}")


def distributed(redis_url: str | None) -> Capability:
    """The packages of `--redis`, and with a URL given whether that server answers a PING."""
    missing = [name for name in ("scrapy_redis", "redis") if importlib.util.find_spec(name) is None]
    if missing:
        return Capability("distributed", MISSING, f"not importable: {', '.join(missing)}", "pip install 'auditcli[distributed]'")
    found = f"scrapy-redis {version_of('scrapy_redis', 'scrapy-redis')}, redis {version_of('redis', 'redis')}"
    if redis_url is None:
        return Capability("distributed", OK, found + " (no --redis: server not tried)")
    error = redis_ping(redis_url)
    if error:
        return Capability("distributed", MISSING, f"{found}; PING {redact(redis_url)} failed: {error}",
                          "start redis-server, or check the --redis URL")
    return Capability("distributed", OK, f"{found}; PING {redact(redis_url)} ok")


def redis_ping(url: str) -> str | None:
    """None when the server answers, else why not (a short timeout: a firewalled port must not wait long)."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT).ping()
    except (ValueError, redis.RedisError) as exc:
        return str(exc)
    return None


def ipv6_route() -> Capability:
    """A UDP connect() only asks the kernel for a route; without one every portal is judged `network.no-ipv6`."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
            sock.connect(IPV6_PROBE_ADDRESS)
            source = sock.getsockname()[0]
    except OSError as exc:
        return Capability("IPv6 route", WARNING, f"none ({exc.strerror or exc})",
                          "audit from a machine with IPv6, else network.no-ipv6 cannot tell the portal from this network")
    return Capability("IPv6 route", OK, f"route via {source}")


def history(path: Path | None) -> Capability:
    """Every run is recorded; an unwritable store fails the run after the crawl, so look before."""
    target = (path or default_history_path()).expanduser()
    if target.exists():
        writable, where = os.access(target, os.W_OK), target
    else:
        where = nearest_existing(target.parent)
        writable = os.access(where, os.W_OK | os.X_OK)
    if not writable:
        return Capability("history store", MISSING, f"{target}: {where} is not writable", "--history PATH elsewhere, or --no-history")
    return Capability("history store", OK, f"{target} (writable)")


def nearest_existing(path: Path) -> Path:
    """The directory itself or its nearest existing parent: the one that will hold what is created."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def disk(out_dir: Path) -> Capability:
    """A two-hour audit stores every page; under LOW_DISK it may stop half-way."""
    where = nearest_existing(out_dir)
    try:
        free = shutil.disk_usage(where).free
    except OSError as exc:
        return Capability("disk space", WARNING, f"{where}: {exc.strerror or exc}", "choose another --out")
    found = f"{free / (1 << 30):.1f} GiB free under {where}"
    if free < LOW_DISK:
        return Capability("disk space", WARNING, found, "free some space (1 GiB or more), or choose another --out")
    return Capability("disk space", OK, found)


def cjk_fonts() -> Capability:
    """Without a Chinese font, browser-mode screenshots show boxes for every character (reports only)."""
    fc_list = shutil.which("fc-list")
    output = ""
    if fc_list:
        try:
            output = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT).stdout
        except (OSError, subprocess.TimeoutExpired):
            output = ""
    fonts = [line for line in output.splitlines() if line.strip()]
    if not fonts:
        return Capability("Chinese fonts", WARNING, "none (fc-list :lang=zh)" if fc_list else "fc-list not found",
                          "apt-get install fonts-noto-cjk")
    return Capability("Chinese fonts", OK, f"{len(fonts)} font faces")


def examine(redis_url: str | None, history_path: Path | None, out_dir: Path) -> list[Capability]:
    """Every capability, in the order an audit needs them."""
    return [crawl(), tls(), playwright(), chromium(), axe(), distributed(redis_url), ipv6_route(),
            history(history_path), disk(out_dir), cjk_fonts()]


def base_audit_ready(capabilities: list[Capability]) -> bool:
    return all(c.status == OK for c in capabilities if c.name == "crawl")


def as_json(capabilities: list[Capability]) -> dict:
    return {"ready": base_audit_ready(capabilities), "capabilities": [asdict(c) for c in capabilities]}
