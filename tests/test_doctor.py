"""`auditcli doctor`: the real command on this machine, and each part taken away by patching its lookup."""

from __future__ import annotations

import importlib.util
import json
import socket
from collections import namedtuple

import pytest
import typer

from auditcli.app import cli, doctor
from spiders import render
from tests.conftest import run_cli

ROWS = ("crawl", "TLS scanning", "browser: Playwright", "browser: Chromium", "browser: axe-core", "distributed",
        "IPv6 route", "history store", "disk space", "Chinese fonts")


def without_modules(monkeypatch, *names: str) -> None:
    """importlib.util.find_spec answers None for `names`, as on a machine where they are not installed."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a, **k: None if name in names else real(name, *a, **k))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_real_command_lists_every_capability_and_exits_0(tmp_path):
    result = run_cli("doctor", "--out", str(tmp_path / "out"), "--history", str(tmp_path / "h.sqlite"), timeout=60)
    assert result.returncode == 0, result.stderr
    for row in ROWS:
        assert row in result.stdout
    assert "scrapy" in result.stdout


def test_json_has_the_same_rows_for_scripts(tmp_path):
    result = run_cli("doctor", "--json", "--out", str(tmp_path), "--history", str(tmp_path / "h.sqlite"), timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ready"] is True
    assert [c["name"] for c in report["capabilities"]] == list(ROWS)
    assert {c["status"] for c in report["capabilities"]} <= {"ok", "missing", "warning"}


def test_without_sslyze_tls_is_missing(monkeypatch):
    without_modules(monkeypatch, "sslyze")
    row = doctor.tls()
    assert (row.status, row.install) == ("missing", "pip install sslyze")


def test_without_playwright_browser_mode_is_missing(monkeypatch):
    without_modules(monkeypatch, "playwright")
    row = doctor.playwright()
    assert row.status == "missing" and "auditcli[browser]" in row.install


def test_without_chromium_browser_mode_is_missing(monkeypatch):
    monkeypatch.setattr(render, "chromium_path", lambda preferred=None: None)
    row = doctor.chromium()
    assert (row.status, row.install) == ("missing", "apt-get install chromium")


def test_without_axe_core_browser_mode_is_missing(monkeypatch):
    def no_axe():
        raise render.BrowserUnavailable("no axe.min.js")

    monkeypatch.setattr(render, "axe_source", no_axe)
    row = doctor.axe()
    assert row.status == "missing" and "auditcli[browser]" in row.install


def test_without_redis_packages_distributed_is_missing(monkeypatch):
    without_modules(monkeypatch, "scrapy_redis")
    row = doctor.distributed(None)
    assert row.status == "missing" and "scrapy_redis" in row.found and "auditcli[distributed]" in row.install


def test_a_redis_url_on_a_closed_port_fails_its_ping():
    row = doctor.distributed(f"redis://:secret@127.0.0.1:{closed_port()}/0")
    assert row.status == "missing" and "PING" in row.found and "failed" in row.found
    assert "secret" not in row.found and "redis-server" in row.install


def test_no_ipv6_route_is_a_warning(monkeypatch):
    class NoRoute(socket.socket):
        def connect(self, address):
            raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket, "socket", NoRoute)
    row = doctor.ipv6_route()
    assert row.status == "warning" and row.found.startswith("none") and "network.no-ipv6" in row.install


def test_an_unwritable_history_directory_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(doctor.os, "access", lambda path, mode: False)
    row = doctor.history(tmp_path / "new" / "history.sqlite")
    assert row.status == "missing" and "--no-history" in row.install and str(tmp_path) in row.found


def test_the_default_history_path_is_examined(monkeypatch, tmp_path):
    monkeypatch.setenv("AUDITCLI_HISTORY", str(tmp_path / "env.sqlite"))
    assert doctor.history(None).found.startswith(str(tmp_path / "env.sqlite"))


def test_low_disk_under_the_nearest_existing_parent_is_a_warning(monkeypatch, tmp_path):
    seen = []
    usage = namedtuple("usage", "total used free")

    def little(path):
        seen.append(path)
        return usage(1 << 40, (1 << 40) - (100 << 20), 100 << 20)

    monkeypatch.setattr(doctor.shutil, "disk_usage", little)
    row = doctor.disk(tmp_path / "not" / "yet")
    assert seen == [tmp_path] and row.status == "warning" and "0.1 GiB" in row.found


def test_no_chinese_font_is_only_a_warning(monkeypatch):
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    row = doctor.cjk_fonts()
    assert (row.status, row.install) == ("warning", "apt-get install fonts-noto-cjk")


def test_without_scrapy_the_base_audit_cannot_run_exit_2(monkeypatch, tmp_path, capsys):
    without_modules(monkeypatch, "scrapy")
    assert doctor.crawl().status == "missing"
    with pytest.raises(typer.Exit) as stopped:
        cli.doctor(out_dir=tmp_path, redis_url=None, history=tmp_path / "h.sqlite", as_json=False)
    assert stopped.value.exit_code == cli.EXIT_BAD_INPUT
    assert "crawl" in capsys.readouterr().out


def test_the_table_prints_the_install_hint_with_its_extra(monkeypatch):
    """rich read `[browser]` in `pip install 'auditcli[browser]'` as a style tag and printed `'auditcli'`."""
    from rich.console import Console

    from auditcli.app.cli import doctor_table

    without_modules(monkeypatch, "playwright")
    console = Console(width=200, record=True)
    console.print(doctor_table([doctor.playwright()]))
    assert "pip install 'auditcli[browser]'" in console.export_text()
