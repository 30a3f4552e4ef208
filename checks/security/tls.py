"""`tls.*`: the sslyze scan of every HTTPS host:port the crawl met, judged offline: no HTTPS,
each certificate problem on its own (validity at --as-of), legacy protocols, weak ciphers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from auditcli.core.models import Finding
from auditcli.core.security import data as knowledge
from auditcli.core.security import host_port, https_form
from checks.engine.registry import (
    CouldNotJudge,
    NotApplicable,
    check,
    site_analysis,
)
from checks.engine.siteview import SiteView
from checks.security.common import LEGACY, REF_CRYPTO, REF_DJCP_TRANSPORT, REF_RFC8996, HostTLS
from checks.security.http import https_offered
from checks.security.login import login_pages


# ====================================================================================== TLS
@site_analysis
def tls_hosts(site: SiteView) -> list[HostTLS]:
    """Every distinct HTTPS host:port of the site, with its stored scan (None when not scanned)."""
    roles: dict[tuple[str, int], list[str]] = {}

    def add(url: str, role: str) -> None:
        if url.startswith("https://"):
            key = host_port(url)
            roles.setdefault(key, [])
            if role not in roles[key]:
                roles[key].append(role)

    add(site.config.url, "portal")
    for _url, final_url, _status, kind in site.fetch_statuses():
        if kind in ("page", "host-home", "duplicate"):
            add(final_url, "portal")
        elif kind == "service":
            add(final_url, "service")
    for form in login_pages(site):
        add(form.page, "login")
        add(form.action, "login-action")
    if site.config.url.startswith("http://"):
        host, port = https_form(site.config.url)
        probe = site.probe("tls", host, port)
        if probe and probe.tls:
            roles.setdefault((host, port), []).append("portal")
    return [HostTLS(host, port, role, site.probe("tls", host, port)) for (host, port), role in roles.items()]


def _scanned_hosts(site: SiteView) -> list[HostTLS]:
    hosts = tls_hosts(site)
    if not hosts:
        raise NotApplicable("站点没有HTTPS主机", "the site has no HTTPS host")
    scanned = [h for h in hosts if h.scanned]
    if not scanned:
        raise CouldNotJudge("HTTPS主机未完成TLS扫描", "no HTTPS host of the site was TLS-scanned")
    return scanned


@check(
    id="tls.no-https", dimension="security", severity="high", needs=("probe:tls",),
    refs=[REF_DJCP_TRANSPORT, REF_CRYPTO],
    title={"zh": "站点未启用HTTPS", "en": "No HTTPS"},
    fix={"zh": "为站点部署受信任的证书并启用HTTPS（TLS 1.2及以上），HTTP重定向到HTTPS",
         "en": "Deploy a trusted certificate, serve the site over HTTPS (TLS 1.2+) and redirect HTTP to it"},
)
def no_https(site: SiteView) -> Iterator[Finding]:
    offered = https_offered(site)
    if offered is None:
        host, port = https_form(site.config.url)
        raise CouldNotJudge(f"抓取时未探测 {host}:{port} 的TLS", f"the crawl did not probe TLS on {host}:{port}")
    if offered:
        return
    host, port = https_form(site.config.url)
    probe = site.probe("tls", host, port)
    yield Finding(url=site.config.url, locator=f"{host}:{port}", evidence=str((probe.error if probe else None) or "")[:300],
                  message=f"站点仅以HTTP提供，{host}:{port} 上没有可用的HTTPS（TLS握手失败）",
                  message_en=f"The site is served over HTTP only: no HTTPS on {host}:{port} (TLS handshake failed)",
                  data={"host": host, "port": port})


def _cert_check(site: SiteView, *problems: str) -> Iterator[tuple[HostTLS, dict[str, Any]]]:
    """Scanned hosts whose certificate has one of `problems`."""
    for host in _scanned_hosts(site):
        certificate = host.certificate(site.as_of)
        if certificate and any(certificate["problems"].get(p) for p in problems):
            yield host, certificate


def _cert_evidence(certificate: dict[str, Any]) -> str:
    names = ", ".join(certificate.get("names") or []) or certificate.get("common_name") or "-"
    return (f"subject {certificate['subject']}; issuer {certificate['issuer']}; names {names}; "
            f"valid {certificate['not_before'][:10]} – {certificate['not_after'][:10]}")


def _cert_finding(host: HostTLS, certificate: dict[str, Any], zh: str, en: str, **data: Any) -> Finding:
    return Finding(url=host.url, locator=host.label, evidence=_cert_evidence(certificate)[:300],
                   message=f"{host.label} {zh}", message_en=f"{host.label}: {en}",
                   data={"host": host.host, "port": host.port, **data})


CERT_FIX = {"zh": "向受信任的CA申请有效证书（RSA≥2048位或ECDSA，SHA-256签名，含完整中间证书链，域名匹配）并按期续期",
            "en": "Get a valid certificate from a trusted CA (RSA ≥ 2048 or ECDSA, SHA-256, full intermediate chain, matching names) and renew it in time"}
CERT_REFS = [REF_CRYPTO, REF_DJCP_TRANSPORT]


@check(id="tls.cert-expired", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书已过期", "en": "Certificate expired"}, fix=CERT_FIX)
def cert_expired(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "expired", "not_yet_valid"):
        early = certificate["problems"].get("not_yet_valid")
        yield _cert_finding(host, certificate,
                            f"的证书{'尚未生效' if early else '已过期'}（有效期 {certificate['not_before'][:10]} 至 {certificate['not_after'][:10]}）",
                            f"the certificate {'is not valid yet' if early else 'has expired'} "
                            f"(valid {certificate['not_before'][:10]} to {certificate['not_after'][:10]})")


@check(id="tls.cert-untrusted", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书不受信任（自签名或未知根证书）", "en": "Certificate not trusted (self-signed or unknown root)"}, fix=CERT_FIX)
def cert_untrusted(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "untrusted"):
        reason = certificate["problems"].get("untrusted_reason") or ""
        zh = "为自签名证书" if reason == "self-signed" else f"的证书链不能到达受信任的根证书（{reason}）"
        en = "self-signed certificate" if reason == "self-signed" else f"the chain does not reach a trusted root ({reason})"
        yield _cert_finding(host, certificate, zh, en, reason=reason)


@check(id="tls.cert-hostname-mismatch", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书与域名不匹配", "en": "Certificate name mismatch"}, fix=CERT_FIX)
def cert_hostname_mismatch(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "hostname_mismatch"):
        names = ", ".join(certificate.get("names") or []) or certificate.get("common_name") or "-"
        yield _cert_finding(host, certificate, f"的证书不包含该主机名（证书名称：{names}）",
                            f"the certificate does not name this host (it names {names})")


@check(id="tls.cert-chain-incomplete", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书链不完整", "en": "Incomplete certificate chain"},
       fix={"zh": "在服务器上配置完整的中间证书链（证书文件中依次放入站点证书和中间证书）",
            "en": "Serve the intermediate certificates with the site certificate (full chain file)"})
def cert_chain_incomplete(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "chain_incomplete"):
        fetched = ", ".join(host.probe.certificate.get("aia_fetched") or [])
        yield _cert_finding(host, certificate, f"未发送中间证书，证书链需从AIA下载才能验证（{fetched}）",
                            f"the server does not send its intermediate certificate(s); the chain only validates after an AIA download ({fetched})")


@check(id="tls.cert-weak-key", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书密钥过短", "en": "Weak certificate key"}, fix=CERT_FIX)
def cert_weak_key(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "weak_key"):
        weak = "; ".join(f"{c['subject']} {c['key']}" for c in certificate["problems"]["weak_key"])
        yield _cert_finding(host, certificate, f"证书密钥过短（RSA应≥2048位）：{weak}", f"weak certificate key (RSA must be ≥ 2048 bits): {weak}")


@check(id="tls.cert-weak-signature", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书使用弱签名算法（SHA-1/MD5）", "en": "Certificate signed with SHA-1 or MD5"}, fix=CERT_FIX)
def cert_weak_signature(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "weak_signature"):
        weak = "; ".join(f"{c['subject']} ({c['signature_hash']})" for c in certificate["problems"]["weak_signature"])
        yield _cert_finding(host, certificate, f"证书使用弱签名算法：{weak}", f"certificate signed with a weak hash: {weak}")


@check(
    id="tls.legacy-protocol", dimension="security", severity="medium", needs=("probe:tls",),
    refs=[REF_RFC8996, REF_CRYPTO],
    title={"zh": "支持过时的SSL/TLS协议版本", "en": "Legacy SSL/TLS protocol supported"},
    fix={"zh": "关闭 SSLv2、SSLv3、TLS 1.0 和 TLS 1.1，只保留 TLS 1.2 和 TLS 1.3", "en": "Disable SSLv2, SSLv3, TLS 1.0 and 1.1; keep TLS 1.2 and 1.3"},
)
def legacy_protocol(site: SiteView) -> Iterator[Finding]:
    for host in _scanned_hosts(site):
        on = host.probe.enabled_protocols
        legacy = [p for p in on if p in LEGACY]
        if legacy:
            yield Finding(url=host.url, locator=host.label, evidence="protocols: " + ", ".join(on),
                          message=f"{host.label} 支持过时协议：{'、'.join(legacy)}（支持的协议：{', '.join(on)}）",
                          message_en=f"{host.label} accepts legacy protocols: {', '.join(legacy)} (all accepted: {', '.join(on)})",
                          data={"host": host.host, "port": host.port, "protocols": on, "legacy": legacy})


def weak_cipher_reason(cipher: dict[str, Any]) -> str | None:
    """Why a suite is weak per docs/SPEC.md §6 (NULL, EXPORT, anonymous, RC4, 3DES/DES, DH < 2048), or None.
    CBC or SHA-1 MAC suites alone are not weak."""
    name = (cipher.get("name") or "").upper()
    if "_NULL_" in name or name.endswith("_NULL") or "WITH_NULL" in name:
        return "NULL"
    if "EXPORT" in name:
        return "EXPORT"
    if cipher.get("anonymous") or "_ANON_" in name or "_anon_" in (cipher.get("name") or ""):
        return "anonymous"
    if "RC4" in name:
        return "RC4"
    if "3DES" in name or "DES_CBC" in name or "DES192" in name or "_DES_" in name:
        return "3DES/DES"
    if cipher.get("kex") == "DH" and cipher.get("kex_bits") and cipher["kex_bits"] < int(knowledge()["tls"]["min_dh_bits"]):
        return f"DH {cipher['kex_bits']}"
    return None


@check(
    id="tls.weak-cipher", dimension="security", severity="medium", needs=("probe:tls",),
    refs=[REF_CRYPTO, "RFC 7465 Prohibiting RC4", "NIST SP 800-52r2"],
    title={"zh": "支持弱密码套件", "en": "Weak cipher suites supported"},
    fix={"zh": "关闭 NULL、EXPORT、匿名、RC4、3DES 密码套件，DH参数至少2048位（或只用ECDHE）",
         "en": "Disable NULL, EXPORT, anonymous, RC4 and 3DES suites; use DH parameters of 2048 bits or more (or ECDHE only)"},
)
def weak_cipher(site: SiteView) -> Iterator[Finding]:
    for host in _scanned_hosts(site):
        weak = [(c, weak_cipher_reason(c)) for c in host.probe.ciphers]
        weak = [(c, r) for c, r in weak if r]
        if weak:
            listed = ", ".join(dict.fromkeys(f"{c['name']} ({r}, {c['protocol']})" for c, r in weak))
            yield Finding(url=host.url, locator=host.label, evidence=listed[:300],
                          message=f"{host.label} 支持弱密码套件：{listed}", message_en=f"{host.label} accepts weak cipher suites: {listed}",
                          data={"host": host.host, "port": host.port,
                                "ciphers": [{"name": c["name"], "protocol": c["protocol"], "reason": r} for c, r in weak]})
