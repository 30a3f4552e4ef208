"""One sslyze scan of one HTTPS host:port, reduced to plain facts the TLS checks judge offline.

Run in a child process (`python -m spiders.tlsscan HOST PORT [--sni NAME] [--ca-bundle PEM]`,
JSON on stdout) so a scan that hangs is killed at its deadline and never holds up the crawl, and
sslyze's own legacy OpenSSL (nassl) can speak SSL 2/3 and TLS 1.0/1.1 to old servers.

What is recorded (`docs/SPEC.md` §6 "Security details"):
- `protocols`: which of SSLv2 … TLSv1.3 the server accepts, from sslyze's cipher-suite scans;
- `ciphers`: every accepted suite with its key size and, for (EC)DHE, the ephemeral key's type and size;
- `scanned_at`: the moment of the handshake;
- `certificate`: the leaf's names, dates (`not_before`, `not_after`: facts, judged by the checks at the
  audit's `--as-of` day, never here by this machine's clock), key and signature hash, the chain the
  server sent, and each other problem judged on its own: hostname mismatch, untrusted
  (self-signed or unknown root), incomplete chain, weak key, weak signature. Trust is judged by
  building the path ourselves (issuer names and signatures, ignoring dates, names and algorithm
  strength), against sslyze's Mozilla store plus `--ca-bundle`, so an expired or wrong-host
  certificate is not also "untrusted". A chain that stops at an intermediate the server did not
  send is completed from the certificate's AIA caIssuers URL, as SSL Labs does: when that reaches
  a trusted root the chain is *incomplete*, otherwise the root is unknown (*untrusted*).
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import sys
import time
import urllib.request
import warnings
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID, NameOID

from auditcli.core.lifecycle import die_with
from spiders.probes import plain_http_port

PROTOCOL_COMMANDS = (
    ("SSLv2", "SSL_2_0_CIPHER_SUITES"),
    ("SSLv3", "SSL_3_0_CIPHER_SUITES"),
    ("TLSv1.0", "TLS_1_0_CIPHER_SUITES"),
    ("TLSv1.1", "TLS_1_1_CIPHER_SUITES"),
    ("TLSv1.2", "TLS_1_2_CIPHER_SUITES"),
    ("TLSv1.3", "TLS_1_3_CIPHER_SUITES"),
)
AIA_TIMEOUT = 5.0
AIA_MAX_BYTES = 64 * 1024
MAX_CHAIN = 8


def scan(host: str, port: int, sni: str | None = None, ca_bundle: str | None = None,
         network_timeout: int = 5) -> dict[str, Any]:
    """Scan host:port with sslyze; never raises (an error is recorded in the result)."""
    started = time.monotonic()
    result: dict[str, Any] = {"host": host, "port": port, "sni": sni or host, "scanned_at": _now().isoformat(),
                              "tls": False, "error": None, "protocols": {}, "ciphers": [], "certificate": None}
    plain = plain_http_port(host, port, network_timeout)
    if plain:
        result["error"] = plain
        return _done(result, started)
    from sslyze import (
        ScanCommand,
        ScanCommandAttemptStatusEnum,
        Scanner,
        ServerNetworkConfiguration,
        ServerNetworkLocation,
        ServerScanRequest,
        ServerScanStatusEnum,
    )
    from sslyze.errors import ServerHostnameCouldNotBeResolved

    try:
        location = ServerNetworkLocation(hostname=host, port=port)
    except ServerHostnameCouldNotBeResolved as exc:
        result["error"] = f"could not resolve {host}: {exc}"
        return _done(result, started)
    commands = {ScanCommand.CERTIFICATE_INFO, *(getattr(ScanCommand, name) for _, name in PROTOCOL_COMMANDS)}
    request = ServerScanRequest(
        server_location=location, scan_commands=commands,
        network_configuration=ServerNetworkConfiguration(tls_server_name_indication=sni or host,
                                                         network_timeout=network_timeout, network_max_retries=1),
    )
    scanner = Scanner(per_server_concurrent_connections_limit=8)
    scanner.queue_scans([request])
    for server in scanner.get_results():
        if server.scan_status != ServerScanStatusEnum.COMPLETED:
            error = server.connectivity_error_trace
            result["error"] = f"no TLS handshake: {error.exc_type.__name__ if error else 'connectivity'}: " \
                              f"{(str(error) if error else '')[:300]}".strip()
            return _done(result, started)
        result["tls"] = True
        scan_result = server.scan_result
        for protocol, name in PROTOCOL_COMMANDS:
            attempt = getattr(scan_result, name.lower())
            if attempt.status != ScanCommandAttemptStatusEnum.COMPLETED:
                result["protocols"][protocol] = None  # could not tell
                continue
            accepted = attempt.result.accepted_cipher_suites
            result["protocols"][protocol] = bool(accepted)
            for suite in accepted:
                result["ciphers"].append(_cipher(protocol, suite))
        attempt = scan_result.certificate_info
        if attempt.status == ScanCommandAttemptStatusEnum.COMPLETED and attempt.result.certificate_deployments:
            chain = attempt.result.certificate_deployments[0].received_certificate_chain
            result["certificate"] = analyse_chain(chain, sni or host, trust_anchors(ca_bundle))
        elif attempt.status != ScanCommandAttemptStatusEnum.COMPLETED:
            result["certificate_error"] = str(attempt.error_reason)
    return _done(result, started)


def _done(result: dict[str, Any], started: float) -> dict[str, Any]:
    result["elapsed"] = round(time.monotonic() - started, 2)
    return result


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _cipher(protocol: str, accepted: Any) -> dict[str, Any]:
    suite = accepted.cipher_suite
    key = accepted.ephemeral_key
    entry: dict[str, Any] = {"protocol": protocol, "name": suite.name, "openssl_name": suite.openssl_name,
                             "bits": suite.key_size, "anonymous": suite.is_anonymous, "kex": None, "kex_bits": None}
    if key is not None:
        entry["kex"] = "DH" if type(key).__name__ == "DhEphemeralKeyInfo" else "ECDH"
        entry["kex_bits"] = key.size
    return entry


# ------------------------------------------------------------------------------ certificates
def trust_anchors(ca_bundle: str | None) -> dict[str, list[tuple[x509.Certificate, str]]]:
    """Root certificates by subject: sslyze's Mozilla store, plus `--ca-bundle`."""
    from sslyze.plugins.certificate_info.trust_stores.trust_store_repository import TrustStoresRepository

    anchors: dict[str, list[tuple[x509.Certificate, str]]] = {}
    sources = [(TrustStoresRepository.get_default().get_main_store().path, "Mozilla")]
    if ca_bundle:
        sources.append((Path(ca_bundle), "ca-bundle"))
    for path, name in sources:
        for cert in x509.load_pem_x509_certificates(Path(path).read_bytes()):
            anchors.setdefault(cert.subject.rfc4514_string(), []).append((cert, name))
    return anchors


def analyse_chain(chain: list[x509.Certificate], hostname: str,
                  anchors: dict[str, list[tuple[x509.Certificate, str]]]) -> dict[str, Any]:
    """The leaf's facts and its problems that do not depend on the day; validity by date is the checks'
    to judge (checks.security.dated_problems), at the audit's as-of day."""
    leaf = chain[0]
    not_before, not_after = leaf.not_valid_before_utc, leaf.not_valid_after_utc
    path = build_path(chain, anchors)
    key_type, key_bits = key_info(leaf.public_key())
    weak_signed = [
        describe(cert) for cert in path["certificates"][: max(1, len(path["certificates"]) - (1 if path["anchored"] else 0))]
        if _hash_name(cert) in ("md5", "sha1", "md2")
    ]
    weak_keys = [describe(cert) for cert in path["certificates"] if _weak_key(cert)]
    names = dns_names(leaf)
    return {
        "subject": leaf.subject.rfc4514_string(),
        "issuer": leaf.issuer.rfc4514_string(),
        "common_name": _common_name(leaf),
        "names": names["dns"] + names["ip"],
        "not_before": not_before.isoformat(),
        "not_after": not_after.isoformat(),
        "key_type": key_type,
        "key_bits": key_bits,
        "signature_hash": _hash_name(leaf),
        "self_signed": _self_signed(leaf),
        "received_chain": [describe(cert) for cert in chain],
        "path": [describe(cert) for cert in path["certificates"]],
        "trusted_by": path["trusted_by"],
        "problems": {
            "hostname_mismatch": not matches_hostname(leaf, hostname),
            "untrusted": not path["trusted_by"],
            "untrusted_reason": path["reason"],
            "chain_incomplete": bool(path["fetched"]) and bool(path["trusted_by"]),
            "weak_key": weak_keys,
            "weak_signature": weak_signed,
        },
        "aia_fetched": path["fetched"],
    }


def build_path(chain: list[x509.Certificate], anchors: dict[str, list[tuple[x509.Certificate, str]]]) -> dict[str, Any]:
    """Follow issuers from the leaf through the certificates the server sent (then AIA) to a trust anchor.

    Only names and signatures are checked here: dates, host names and algorithm strength are
    judged on their own, so each problem gets its own finding."""
    sent = chain[1:]
    path = [chain[0]]
    fetched: list[str] = []
    reason = ""
    while len(path) <= MAX_CHAIN:
        cert = path[-1]
        for anchor, store in anchors.get(cert.issuer.rfc4514_string(), []):
            if _issued_by(cert, anchor):
                if anchor.fingerprint(hashes.SHA256()) != cert.fingerprint(hashes.SHA256()):
                    path.append(anchor)
                return {"certificates": path, "anchored": True, "trusted_by": store, "fetched": fetched, "reason": ""}
        if _self_signed(cert):
            reason = "self-signed" if len(path) == 1 else "unknown root"
            break
        issuer = next((c for c in sent if c.subject == cert.issuer and c not in path and _issued_by(cert, c)), None)
        if issuer is None:
            url, issuer = _aia_issuer(cert)
            if issuer is not None and _issued_by(cert, issuer):
                fetched.append(url)
            else:
                issuer = None
        if issuer is None:
            reason = f"issuer not found: {cert.issuer.rfc4514_string()}"
            break
        path.append(issuer)
    return {"certificates": path, "anchored": False, "trusted_by": None, "fetched": fetched,
            "reason": reason or "chain too long"}


def _aia_issuer(cert: x509.Certificate) -> tuple[str, x509.Certificate | None]:
    """The issuer certificate named by the AIA caIssuers URL (one small GET, as browsers do)."""
    try:
        aia = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value
    except x509.ExtensionNotFound:
        return "", None
    for description in aia:
        if description.access_method != AuthorityInformationAccessOID.CA_ISSUERS:
            continue
        url = description.access_location.value
        if not str(url).startswith("http://"):
            continue
        try:
            with urllib.request.urlopen(url, timeout=AIA_TIMEOUT) as response:  # noqa: S310 - http only, checked above
                data = response.read(AIA_MAX_BYTES)
        except (OSError, ValueError):
            return url, None
        for loader in (x509.load_der_x509_certificate, x509.load_pem_x509_certificate):
            try:
                return url, loader(data)
            except ValueError:
                continue
        return url, None
    return "", None


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Issuer name and signature match. cryptography's own check refuses SHA-1 and MD5 signatures; those
    are verified with the issuer's key directly, so a SHA-1 certificate is `weak-signature`, not `untrusted`."""
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
        return True
    except Exception:  # noqa: BLE001 - InvalidSignature, UnsupportedAlgorithm
        pass
    try:
        algorithm = cert.signature_hash_algorithm
        key = issuer.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(algorithm))
        else:
            return False
        return True
    except Exception:  # noqa: BLE001
        return False


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject and _issued_by(cert, cert)


def _hash_name(cert: x509.Certificate) -> str | None:
    try:
        algorithm = cert.signature_hash_algorithm
    except Exception:  # noqa: BLE001 - unsupported algorithm
        return None
    return algorithm.name if algorithm is not None else None


def key_info(key: Any) -> tuple[str, int]:
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return type(key).__name__, 0


def _weak_key(cert: x509.Certificate) -> bool:
    kind, bits = key_info(cert.public_key())
    return (kind in ("RSA", "DSA") and bits < 2048) or (kind == "EC" and bits < 224)


def _common_name(cert: x509.Certificate) -> str | None:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else None


def describe(cert: x509.Certificate) -> dict[str, Any]:
    kind, bits = key_info(cert.public_key())
    return {"subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "key": f"{kind} {bits}", "signature_hash": _hash_name(cert),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "sha256": cert.fingerprint(hashes.SHA256()).hex()}


def dns_names(cert: x509.Certificate) -> dict[str, list[str]]:
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    except x509.ExtensionNotFound:
        return {"dns": [], "ip": []}
    return {"dns": san.get_values_for_type(x509.DNSName),
            "ip": [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]}


def matches_hostname(cert: x509.Certificate, hostname: str) -> bool:
    """RFC 6125: SAN dNSName (one left-most wildcard label) or iPAddress; the CN only when there is no SAN."""
    names = dns_names(cert)
    try:
        ip = ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        ip = None
    if ip is not None:
        return str(ip) in names["ip"]
    host = hostname.lower().rstrip(".")
    candidates = names["dns"] or ([_common_name(cert)] if _common_name(cert) and not names["ip"] else [])
    for name in candidates:
        name = str(name).lower().rstrip(".")
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:] and "." in name[2:]:
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spiders.tlsscan", description="sslyze scan of one host:port, as JSON")
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--sni")
    parser.add_argument("--ca-bundle")
    parser.add_argument("--network-timeout", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # trust stores carry odd old roots; stdout is JSON only
    try:
        result = scan(args.host, args.port, args.sni, args.ca_bundle, args.network_timeout)
    except Exception as exc:  # noqa: BLE001 - an error result, never a traceback for the crawl to parse
        result = {"host": args.host, "port": args.port, "tls": None, "error": f"scan failed: {type(exc).__name__}: {exc}"}
    json.dump(result, sys.stdout, ensure_ascii=False, default=str)
    return 0


if __name__ == "__main__":
    die_with()  # a crawl killed with -9 leaves no scan running
    sys.exit(main())



