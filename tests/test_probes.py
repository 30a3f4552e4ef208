"""Typed probe results: what the crawl measured besides pages is stored and read back as frozen dataclasses,
and stores written before (extra keys, missing ones, a failed scan's bare error) still read."""

from __future__ import annotations

import dataclasses

import pytest

from auditcli.stores.pagestore import PageStore
from auditcli.stores.probes import BrowserProbe, Ipv6Probe, RedirectProbe, TlsScan, decode, encode

SCAN = TlsScan(host="www.example.gov.cn", port=443, tls=True, sni="www.example.gov.cn",
               protocols={"TLSv1.2": True, "TLSv1.3": True, "TLSv1.0": False},
               ciphers=({"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "kex": "RSA"},),
               certificate={"subject": "CN=www.example.gov.cn", "not_before": "2026-01-01T00:00:00+00:00",
                            "not_after": "2027-01-01T00:00:00+00:00", "problems": {"untrusted": False}},
               scanned_at="2026-11-20T08:00:00+00:00", elapsed=1.5, facts={"wall": 1.7})


@pytest.mark.parametrize("probe", [SCAN, Ipv6Probe(reachable=False, detail="no AAAA record"),
                                   RedirectProbe(url="http://www.example.gov.cn/", status=301,
                                                 location="https://www.example.gov.cn/"),
                                   BrowserProbe(mode="all", axe="4.12.0", site="county", pages=12)])
def test_each_probe_kind_is_stored_and_read_back_typed(tmp_path, probe):
    store = PageStore(tmp_path / "store")
    store.set_probe(probe.kind, "www.example.gov.cn", 443, probe)
    store.commit()
    again = PageStore.open_existing(tmp_path / "store").probe(probe.kind, "www.example.gov.cn", 443)
    assert again == probe and type(again) is type(probe)
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.kind_of_change = 1  # type: ignore[attr-defined]


def test_the_scanners_report_keeps_what_no_field_names_and_reads_what_it_lacks():
    report = {"host": "a.gov.cn", "port": 443, "tls": True, "protocols": {"TLSv1.2": True}, "ciphers": [],
              "certificate": None, "wall": 2.2, "sslyze": "6.1.0"}  # no scanned_at: an older crawl
    scan = decode("tls", report)
    assert scan.scanned_at is None and scan.facts == {"wall": 2.2, "sslyze": "6.1.0"}
    assert scan.enabled_protocols == ["TLSv1.2"] and encode(scan)["wall"] == 2.2


def test_a_failed_probe_reads_as_could_not_tell():
    """A probe that raised is stored as its error alone: a TLS scan that cannot tell (tls None), not "no TLS"."""
    scan = decode("tls", {"error": "RuntimeError: sslyze crashed"})
    assert scan.tls is None and scan.error == "RuntimeError: sslyze crashed"
    assert decode("redirect", {"error": "OSError: boom"}).status is None


def test_a_plugins_own_probe_kind_stays_plain_json(tmp_path):
    store = PageStore(tmp_path / "store")
    store.set_probe("dnssec", "a.gov.cn", 53, {"signed": True})
    assert store.probe("dnssec", "a.gov.cn", 53) == {"signed": True}
