"""The security dimension against a real TLS lab: one Debian nginx on 127.0.0.1 with a server block
per case, certificates made here, real sslyze handshakes. One audit of every lab site (module
fixture); each site must get exactly its expected findings above info, the clean one none.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FAST, can_run_offline, run_cli
from tests.tlslab import HOME, Server, TLSLab

# The lab's certificates are dated by this machine's clock and validity is judged at --as-of, so the
# lab is audited as of today, not as of the demo farm's day.
assert FAST[0] == "--as-of"
LAB_FAST = ["--as-of", date.today().isoformat(), *FAST[2:]]

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                                reason="nginx is not installed")


def page(title: str, body: str) -> str:
    return HOME.format(title=title, body=body)


LOGIN_LINK = '<a href="/login.html">用户登录</a>'
PASSWORD = '<input type="text" name="username" placeholder="用户名"><input type="password" name="password" placeholder="密码">'


def build(root: Path) -> TLSLab:
    lab = TLSLab(root)
    plain = lab.add(Server("plain-http", tls=False))  # AIA and insecure form target, not audited
    lab.https("clean")
    lab.https("expired", leaf_kw={"days": (-400, -10)})
    lab.https("self-signed", issuer="self")
    lab.https("wrong-host", leaf_kw={"names": ("www.wrong.example",)})
    lab.https("untrusted-root", issuer="other")
    lab.https("incomplete-chain", issuer="int", leaf_kw={"aia": f"http://127.0.0.1:{plain.port}/int.der"})
    lab.https("tls10-only", protocols="TLSv1", ciphers="ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0")
    lab.https("weak-dh", protocols="TLSv1.2", ciphers="DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0", dhparam=True)
    lab.https("rsa-1024", leaf_kw={"bits": 1024}, ciphers="HIGH:!aNULL:@SECLEVEL=0")
    lab.https("sha1-signature", leaf_kw={"sha1": True}, ciphers="HIGH:!aNULL:@SECLEVEL=0")
    lab.https("http-no-redirect", redirect_plain_http=False)
    lab.https("mixed-content", pages={"/index.html": page("mixed", (
        f'<script src="http://127.0.0.1:{plain.port}/app.js"></script>'
        f'<img src="http://127.0.0.1:{plain.port}/logo.png" alt="logo">'
        f'<a href="http://127.0.0.1:{plain.port}/">a plain link is not mixed content</a>'))})
    lab.https("no-hsts", hsts=None)
    lab.https("weak-hsts", hsts="max-age=86400")
    lab.https("headers-and-version", headers=False, extra="    server_tokens on;")
    lab.https("insecure-cookies", extra=(
        '    add_header Set-Cookie "JSESSIONID=4F2A; Path=/" always;\n'
        '    add_header Set-Cookie "token=ab12; Path=/; Secure; HttpOnly" always;\n'
        '    add_header Set-Cookie "lang=zh; Path=/" always;'))
    lab.add(Server("login-over-http", tls=False, pages={
        "/index.html": page("login-over-http", LOGIN_LINK),
        "/login.html": page("登录", f'<form action="/login" method="post">{PASSWORD}'
                                    '<input type="text" name="smscode" placeholder="短信验证码"><button>获取验证码</button></form>')}))
    lab.https("login-insecure-action", pages={
        "/index.html": page("login-insecure-action", LOGIN_LINK),
        "/login.html": page("登录", f'<form action="http://127.0.0.1:{plain.port}/login" method="post">{PASSWORD}</form>'
                                    '<a href="/ca.html">CA证书登录</a>')})
    lab.https("login-password-only", pages={
        "/index.html": page("login-password-only", LOGIN_LINK),
        "/login.html": page("登录", f'<form action="/login" method="post">{PASSWORD}<button>登录</button></form>')})
    service = lab.https("e-service", pages={
        "/index.html": page("网上办事大厅", '<a href="/uc/login.html">个人登录</a>'),
        "/uc/login.html": page("登录", f'<form action="/uc/login" method="post">{PASSWORD}'
                                       '<input name="sms_code" placeholder="短信验证码"><button type="button">获取验证码</button>'
                                       '<input name="captcha" placeholder="图形验证码"><img src="/captcha.png" alt="验证码"></form>')})
    lab.https("portal-with-service", pages={
        "/index.html": page("portal", f'<a href="https://127.0.0.1:{service.port}/">网上办事</a>')})
    lab.https("login-unified-identity", pages={
        "/index.html": page("login-unified-identity", LOGIN_LINK),
        "/login.html": page("登录", f'<form action="/login" method="post">{PASSWORD}</form>'
                                    '<a href="https://sso.example.gov.cn/">统一身份认证登录</a>')})
    plain.pages["/int.der"] = lab.int_cert.public_bytes(__import__("cryptography.hazmat.primitives.serialization",
                                                                   fromlist=["Encoding"]).Encoding.DER)
    return lab


# Exactly the findings above info each site must get (check ids, with how many).
EXPECTED = {
    "clean": {},
    "expired": {"tls.cert-expired": 1},
    "self-signed": {"tls.cert-untrusted": 1},
    "wrong-host": {"tls.cert-hostname-mismatch": 1},
    "untrusted-root": {"tls.cert-untrusted": 1},
    "incomplete-chain": {"tls.cert-chain-incomplete": 1},
    "tls10-only": {"tls.legacy-protocol": 1},
    "weak-dh": {"tls.weak-cipher": 1},
    "rsa-1024": {"tls.cert-weak-key": 1},
    "sha1-signature": {"tls.cert-weak-signature": 1},
    "http-no-redirect": {"http.no-https-redirect": 1},
    "mixed-content": {"http.mixed-content": 2},
    "no-hsts": {"http.no-hsts": 1},
    "weak-hsts": {"http.weak-hsts": 1},
    "headers-and-version": {"http.no-hsts": 1, "http.missing-security-headers": 1, "http.server-version-disclosure": 1},
    "insecure-cookies": {"http.insecure-cookie": 1},
    "login-over-http": {"tls.no-https": 1, "login.password-over-http": 1},
    "login-insecure-action": {"login.form-action-insecure": 1},
    "login-password-only": {"login.single-factor": 1},
    "portal-with-service": {},
    "login-unified-identity": {},
}
GRADES = {"clean": "A+", "no-hsts": "A", "weak-hsts": "A", "expired": "T", "self-signed": "T", "wrong-host": "M", "untrusted-root": "T",
          "incomplete-chain": "B", "tls10-only": "C", "weak-dh": "B", "rsa-1024": "B", "sha1-signature": "T"}


@pytest.fixture(scope="module")
def lab_audit(tmp_path_factory):
    root = tmp_path_factory.mktemp("tlslab")
    lab = build(root)
    lab.start()
    try:
        sites = root / "sites.yaml"
        lines = ["audit: {name: TLS lab}", "sites:"]
        for name in EXPECTED:
            lines += [f"  - id: {name}", f"    name: {name}", f"    url: {lab.servers[name].url}"]
        sites.write_text("\n".join(lines) + "\n")
        out = root / "out"
        done = run_cli("audit", str(sites), "--out", str(out), "--ca-bundle", str(lab.ca_bundle), "--only", "security",
                       "--max-depth", "3", "--no-history", "--format", "html", *LAB_FAST, timeout=240)
        assert done.returncode in (0, 1), done.stderr[-3000:]
        results = json.loads((out / "results.json").read_text())
        yield lab, results, out
    finally:
        lab.stop()


def _site(results, site_id):
    return next(s for s in results["sites"] if s["id"] == site_id)


@pytest.mark.parametrize("site_id", list(EXPECTED))
def test_each_lab_site_gets_exactly_its_findings(lab_audit, site_id):
    _, results, _ = lab_audit
    site = _site(results, site_id)
    got = Counter(f["check"] for f in site["findings"] if f["severity"] != "info")
    assert dict(got) == EXPECTED[site_id], [(f["check"], f["severity"], f["message"]) for f in site["findings"]]
    assert site["dimensions"]["security"]["status"] == "assessed"
    assert not site["errors"], site["errors"]
    # the crawler's own TLS client is permissive: bad TLS is reported, never a reason to be unreachable
    assert site["status"] == "ok" and site["pages"] >= 1, (site["status"], site["status_detail"])


def test_grades_name_the_cap_that_applies(lab_audit):
    _, results, _ = lab_audit
    for site_id, expected in GRADES.items():
        hosts = _site(results, site_id)["security"]["hosts"]
        assert [h["grade"] for h in hosts] == [expected], (site_id, hosts)
        assert (hosts[0]["cap"] is None) == (expected in ("A", "A+")), hosts[0]
    tls10 = _site(results, "tls10-only")["security"]["hosts"][0]
    assert tls10["protocols"] == ["TLSv1.0"] and [c["id"] for c in tls10["caps"]] == ["no-tls12", "legacy-tls"]


def test_evidence_names_dates_names_protocols_and_ciphers(lab_audit):
    _, results, _ = lab_audit
    expired = next(f for f in _site(results, "expired")["findings"] if f["check"] == "tls.cert-expired")
    assert "valid" in expired["evidence"] and "127.0.0.1" in expired["evidence"]
    mismatch = next(f for f in _site(results, "wrong-host")["findings"] if f["check"] == "tls.cert-hostname-mismatch")
    assert "www.wrong.example" in mismatch["message"]
    dh = next(f for f in _site(results, "weak-dh")["findings"] if f["check"] == "tls.weak-cipher")
    assert "DHE" in dh["evidence"] and "DH 1024" in dh["evidence"]
    legacy = next(f for f in _site(results, "tls10-only")["findings"] if f["check"] == "tls.legacy-protocol")
    assert legacy["evidence"] == "protocols: TLSv1.0"
    mixed = {f["severity"]: f for f in _site(results, "mixed-content")["findings"] if f["check"] == "http.mixed-content"}
    assert set(mixed) == {"medium", "low"} and "app.js" in mixed["medium"]["evidence"] and "logo.png" in mixed["low"]["evidence"]


def test_headers_and_version_are_named(lab_audit):
    _, results, _ = lab_audit
    found = {f["check"]: f for f in _site(results, "headers-and-version")["findings"]}
    assert found["http.missing-security-headers"]["data"]["missing"] == [
        "Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"]
    assert found["http.server-version-disclosure"]["evidence"].startswith("Server: nginx/")
    assert "max-age=86400" in next(f for f in _site(results, "weak-hsts")["findings"])["evidence"]


def test_cookies_samesite_alone_is_info(lab_audit):
    _, results, _ = lab_audit
    cookies = [f for f in _site(results, "insecure-cookies")["findings"] if f["check"] == "http.insecure-cookie"]
    by_name = {f["data"]["cookie"]: f for f in cookies}
    assert set(by_name) == {"JSESSIONID", "token"}  # lang is not a session cookie
    assert by_name["JSESSIONID"]["severity"] == "medium" and set(by_name["JSESSIONID"]["data"]["missing"]) == {"Secure", "HttpOnly", "SameSite"}
    assert by_name["token"]["severity"] == "info" and by_name["token"]["data"]["missing"] == ["SameSite"]


def test_login_pages_signals_and_entrances(lab_audit):
    lab, results, _ = lab_audit
    single = next(f for f in _site(results, "login-password-only")["findings"] if f["check"] == "login.single-factor")
    assert "等保三级" in single["message"] and "level 3" in single["message_en"] and 'type="password"' in single["evidence"]
    # the e-service host linked as 网上办事 from the portal was crawled to its login page (SMS code + captcha)
    portal = _site(results, "portal-with-service")
    service = lab.servers["e-service"]
    entrance = portal["security"]["login_entrances"]
    assert [e["url"] for e in entrance] == [f"https://127.0.0.1:{service.port}/uc/login.html"]
    assert entrance[0]["factors"] and entrance[0]["captcha"], entrance
    assert entrance[0]["linked_from"] == [f"https://127.0.0.1:{service.port}/"]  # the service home led there
    assert f"127.0.0.1:{service.port}" in {f"{h['host']}:{h['port']}" for h in portal["security"]["hosts"]}
    infos = [f for f in portal["findings"] if f["check"] == "login.entrances"]
    assert len(infos) == 1 and infos[0]["severity"] == "info"
    # a service host is not audited as part of the site otherwise
    assert portal["pages"] == 1 and not portal["not_scanned"]


def test_each_host_is_scanned_once_and_the_scans_are_stored(lab_audit):
    _, results, out = lab_audit
    db = sqlite3.connect(out / "crawl" / "pages.sqlite")
    keys = [row[0] for row in db.execute("SELECT key FROM meta WHERE key LIKE 'probe:tls:%'")]
    assert len(keys) == len(set(keys)) and len(keys) >= len(EXPECTED)
    assert all(h["scan_seconds"] is not None for s in results["sites"] for h in s["security"]["hosts"])


def test_report_shows_hosts_grades_caps_and_login_entrances(lab_audit):
    lab, _, out = lab_audit
    html = (out / "report.html").read_text("utf-8")
    assert "TLS 主机评级" in html and "登录入口" in html
    assert "不支持TLS 1.2" in html  # the cap that applies to the TLS 1.0-only host is named
    assert f"127.0.0.1:{lab.servers['e-service'].port}/uc/login.html" in html


def test_skip_security_leaves_it_not_assessed_and_scans_nothing(lab_audit, tmp_path):
    lab, _, _ = lab_audit
    out = tmp_path / "out"
    done = run_cli("audit", lab.servers["expired"].url, "--out", str(out), "--skip", "security", "--no-history",
                   "--format", "json", "--max-depth", "0", *LAB_FAST)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    site = json.loads((out / "results.json").read_text())["sites"][0]
    assert site["dimensions"]["security"]["status"] == "not-assessed" and site["dimensions"]["security"]["score"] is None
    assert site["status"] == "ok"  # an expired certificate never makes a site unreachable to the crawler
    db = sqlite3.connect(out / "crawl" / "pages.sqlite")
    assert db.execute("SELECT COUNT(*) FROM meta WHERE key LIKE 'probe:tls:%'").fetchone()[0] == 0


def test_check_judges_the_stored_scans_offline(lab_audit, tmp_path):
    _, results, out = lab_audit
    done = run_cli("check", str(out / "crawl"), "--out", str(tmp_path / "again"), "--only", "security", "--no-history",
                   "--format", "json", "--quiet", offline=can_run_offline())
    assert done.returncode in (0, 1), done.stderr[-2000:]
    again = json.loads((tmp_path / "again" / "results.json").read_text())
    fingerprints = {s["id"]: sorted(f["fingerprint"] for f in s["findings"]) for s in results["sites"]}
    assert {s["id"]: sorted(f["fingerprint"] for f in s["findings"]) for s in again["sites"]} == fingerprints
