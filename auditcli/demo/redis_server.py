"""A throw-away redis-server on 127.0.0.1 for the distributed mode's tests, benchmark and trials."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


@contextmanager
def local_redis(workdir: Path) -> Iterator[str]:
    """Start redis-server on a free port of 127.0.0.1 (no persistence), yield its URL, stop it after."""
    binary = redis_server_binary()
    if binary is None:
        raise FileNotFoundError("redis-server is not installed")
    import redis

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)
