"""The security dimension on the demo farm: exactly what its answer key plants (the farm is plain HTTP
on localhost, so every site is expected to get `tls.no-https`; TLS itself is tested in the TLS lab)."""

from __future__ import annotations

from auditcli.demo.expected import compare_findings, security_entries


def test_security_findings_are_exactly_the_planted_ones(demo_audit):
    for site_id, expected in demo_audit.key.items():
        if expected.get("unreachable"):
            continue  # the dead township: nothing was judged
        assert "security" in expected, f"{site_id}: the answer key says nothing of security"
        entries = security_entries(expected)
        assert entries and not any(entry.get("optional") for entry in entries)
        found = [f for f in demo_audit.sites[site_id]["findings"] if f["dimension"] == "security"]
        assert compare_findings(site_id, found, entries) == []


def test_http_only_sites_get_an_f_with_its_cap_named(demo_audit):
    county = demo_audit.sites["county"]["security"]
    assert county["https"] is False and county["hosts"] == []
    assert county["no_https"]["grade"] == "F" and county["no_https"]["cap"] == "no-tls"
    entrances = county["login_entrances"]
    assert [e["url"].rsplit("/", 2)[-2:] for e in entrances] == [["hdjl", "login.html"]]
    assert entrances[0]["captcha"] and not entrances[0]["factors"]


def test_the_sms_login_is_not_single_factor(demo_audit):
    fgw = demo_audit.sites["dept-fgw"]
    assert not [f for f in fgw["findings"] if f["check"] == "login.single-factor"]
    assert fgw["security"]["login_entrances"][0]["factors"]
