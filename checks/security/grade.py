"""The SSL-Labs-style grade of each TLS host (with the cap that sets it) and the `security` results
block."""

from __future__ import annotations

from typing import Any

from auditcli.core.security import data as knowledge
from auditcli.core.security import host_port, https_form
from auditcli.stores.probes import TlsScan
from checks.engine.registry import (
    result_block,
)
from checks.engine.siteview import SiteView
from checks.security.http import hsts_max_age, https_offered, start_page
from checks.security.login import entrances, login_pages
from checks.security.tls import tls_hosts, weak_cipher_reason


# ====================================================================================== grade
def grade(probe: TlsScan | None, hsts_age: int | None = None,
          certificate: dict[str, Any] | None = None) -> dict[str, Any]:
    """An SSL-Labs-like grade (A+ … F, T untrusted, M name mismatch) with every cap that applies, worst first;
    `certificate` is the probe's as judged at the as-of day (`HostTLS.certificate`)."""
    config = knowledge()["tls"]
    caps_table = config["caps"]
    if not probe or not probe.tls:
        cap = caps_table["no-tls"]
        return {"grade": cap[0], "cap": "no-tls", "caps": [{"id": "no-tls", "grade": cap[0], "zh": cap[1], "en": cap[2]}]}
    on = set(probe.enabled_protocols)
    ciphers = probe.ciphers
    reasons = {weak_cipher_reason(c) or "" for c in ciphers}
    certificate = certificate or probe.certificate or {}
    problems = certificate.get("problems") or {}
    applies = {
        "untrusted": bool(problems.get("untrusted")),
        "expired": bool(problems.get("expired") or problems.get("not_yet_valid")),
        "weak-signature": bool(problems.get("weak_signature")),
        "hostname-mismatch": bool(problems.get("hostname_mismatch")),
        "sslv2": "SSLv2" in on,
        "export": "EXPORT" in reasons,
        "null-anon": bool({"NULL", "anonymous"} & reasons),
        "weak-key-1024": certificate.get("key_type") in ("RSA", "DSA") and (certificate.get("key_bits") or 0) < 1024,
        "dh-1024": any(c.get("kex") == "DH" and (c.get("kex_bits") or 9999) < 1024 for c in ciphers),
        "sslv3": "SSLv3" in on,
        "rc4": "RC4" in reasons,
        "3des": "3DES/DES" in reasons,
        "no-tls12": not ({"TLSv1.2", "TLSv1.3"} & on),
        "legacy-tls": bool({"TLSv1.0", "TLSv1.1"} & on),
        "weak-key": bool(problems.get("weak_key")),
        "dh-2048": any(c.get("kex") == "DH" and (c.get("kex_bits") or 9999) < int(config["min_dh_bits"]) for c in ciphers),
        "chain-incomplete": bool(problems.get("chain_incomplete")),
        "no-forward-secrecy": bool(ciphers) and not any(c.get("kex") or c.get("protocol") == "TLSv1.3" for c in ciphers),
    }
    order = ["F", "T", "M", "C", "B", "A-", "A", "A+"]
    caps = [{"id": key, "grade": caps_table[key][0], "zh": caps_table[key][1], "en": caps_table[key][2]}
            for key, on_ in applies.items() if on_]
    caps.sort(key=lambda c: order.index(c["grade"]))
    if caps:
        return {"grade": caps[0]["grade"], "cap": caps[0]["id"], "caps": caps}
    strong_hsts = hsts_age is not None and hsts_age >= int(knowledge()["hsts_min_age"])
    return {"grade": "A+" if strong_hsts else "A", "cap": None, "caps": []}


@result_block("security", dimensions=("security",))
def security_block(site: SiteView) -> dict[str, Any]:
    """results.json `security`: every HTTPS host with its grade, protocols and certificate; the login entrances."""
    start = start_page(site)
    hsts = {}
    for stored in [start] if start is not None and start.final_url.startswith("https://") else []:
        hsts[host_port(stored.final_url)] = hsts_max_age(stored.headers.get("strict-transport-security"))
    hosts = []
    for host in tls_hosts(site):
        probe = host.probe or TlsScan(host=host.host, port=host.port)
        certificate = host.certificate(site.as_of) or {}
        entry = {"host": host.host, "port": host.port, "url": host.url, "roles": host.roles,
                 "scanned": host.scanned, "error": probe.error,
                 "protocols": probe.enabled_protocols,
                 "weak_ciphers": sorted({c["name"] for c in probe.ciphers if weak_cipher_reason(c)}),
                 "scan_seconds": probe.elapsed}
        entry.update(grade(probe, hsts.get((host.host, host.port)), certificate) if host.scanned
                     else {"grade": None, "cap": None, "caps": []})  # not scanned, failed or timed out: no grade
        if certificate:
            problems = certificate.get("problems") or {}
            entry["certificate"] = {
                "subject": certificate.get("subject"), "issuer": certificate.get("issuer"),
                "names": certificate.get("names") or [], "not_before": certificate.get("not_before"),
                "not_after": certificate.get("not_after"), "key": f"{certificate.get('key_type')} {certificate.get('key_bits')}",
                "signature_hash": certificate.get("signature_hash"), "trusted_by": certificate.get("trusted_by"),
                "problems": [name for name in ("expired", "not_yet_valid", "untrusted", "hostname_mismatch",
                                               "chain_incomplete", "weak_key", "weak_signature") if problems.get(name)],
            }
        hosts.append(entry)
    no_tls = None
    if https_offered(site) is False:
        host, port = https_form(site.config.url)
        no_tls = {"host": host, "port": port, **grade(site.probe("tls", host, port))}
    return {"https": https_offered(site), "hosts": hosts, "no_https": no_tls,
            "login_entrances": entrances(site) if login_pages(site) else []}
