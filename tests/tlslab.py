"""A TLS lab for the security tests: one Debian nginx on 127.0.0.1, one server block per case.

Certificates are made here with `cryptography` (a lab root, an intermediate, another unknown
root; expired, self-signed, wrong-host, RSA 1024 and SHA-1 leaves; an AIA caIssuers URL for the
incomplete chain), so every handshake is real. Weak configurations need `@SECLEVEL=0` on the
server side (Debian's OpenSSL 3 refuses them otherwise) and OPENSSL_CONF pointing at an empty file
so the system's MinProtocol = TLSv1.2 does not override `ssl_protocols TLSv1`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dh, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NOW = dt.datetime.now(dt.UTC)
# RFC 2409 group 2 (1024-bit MODP): a weak DH group, without generating one.
MODP_1024 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)
HEADERS = ("add_header Content-Security-Policy \"default-src 'self'\" always;\n"
           "    add_header X-Content-Type-Options nosniff always;\n"
           "    add_header X-Frame-Options SAMEORIGIN always;")
HOME = "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "auditcli lab")])


def make_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def make_cert(subject: str, key, issuer: tuple | None = None, *, ca: bool = False, names: list[str] = (),
              days: tuple[int, int] = (-30, 365), hash_=hashes.SHA256, aia: str | None = None) -> x509.Certificate:
    issuer_cert, issuer_key = issuer if issuer else (None, key)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject))
               .issuer_name(issuer_cert.subject if issuer_cert else _name(subject))
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(NOW + dt.timedelta(days=days[0]))
               .not_valid_after(NOW + dt.timedelta(days=days[1]))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        entries = []
        for name in names:
            try:
                entries.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                entries.append(x509.DNSName(name))
        builder = builder.add_extension(x509.SubjectAlternativeName(entries), critical=False)
    if aia:
        builder = builder.add_extension(x509.AuthorityInformationAccess(
            [x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(aia))]),
            critical=False)
    if ca:
        builder = builder.add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                                      data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                                      crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
    return builder.sign(issuer_key, hash_())


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


@dataclass
class Server:
    name: str
    tls: bool = True
    chain: list[x509.Certificate] = field(default_factory=list)
    key: object = None
    protocols: str = "TLSv1.2 TLSv1.3"
    ciphers: str | None = None
    dhparam: bool = False
    headers: bool = True
    hsts: str | None = "max-age=31536000"
    redirect_plain_http: bool = True
    extra: str = ""
    pages: dict[str, str] = field(default_factory=dict)
    port: int = 0

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"


class TLSLab:
    """Build the certificates, the server blocks and the pages; `start()` runs one nginx for all."""

    def __init__(self, root: Path):
        self.root = root
        self.servers: dict[str, Server] = {}
        key = make_key()
        self.root_key, self.root_cert = key, make_cert("auditcli lab root CA", key, ca=True, days=(-60, 3650))
        key = make_key()
        self.int_key, self.int_cert = key, make_cert("auditcli lab intermediate CA", key, (self.root_cert, self.root_key),
                                                     ca=True, days=(-60, 1825))
        key = make_key()
        self.other_key, self.other_cert = key, make_cert("unknown root CA", key, ca=True, days=(-60, 3650))
        self.ca_bundle = root / "lab-ca.pem"
        root.mkdir(parents=True, exist_ok=True)
        self.ca_bundle.write_bytes(pem(self.root_cert))
        self.process: subprocess.Popen | None = None

    def leaf(self, issuer: str = "root", *, bits: int = 2048, names=("127.0.0.1", "localhost"), **kw):
        key = make_key(bits)
        if kw.pop("sha1", False):  # cryptography refuses to sign with SHA-1: the openssl command line still does
            return key, self._openssl_sha1_leaf(key, names)
        pair = {"root": (self.root_cert, self.root_key), "int": (self.int_cert, self.int_key),
                "other": (self.other_cert, self.other_key), "self": None}[issuer]
        return key, make_cert("127.0.0.1", key, pair, names=list(names), **kw)

    def _openssl_sha1_leaf(self, key, names) -> x509.Certificate:
        work = self.root / "sha1"
        work.mkdir(exist_ok=True)
        (work / "leaf.key").write_bytes(key_pem(key))
        (work / "ca.crt").write_bytes(pem(self.root_cert))
        (work / "ca.key").write_bytes(key_pem(self.root_key))
        san = ",".join(f"IP:{n}" if n[0].isdigit() else f"DNS:{n}" for n in names)
        csr = subprocess.run(["openssl", "req", "-new", "-key", str(work / "leaf.key"), "-subj", "/CN=127.0.0.1",
                              "-addext", f"subjectAltName={san}"], capture_output=True, check=True).stdout
        cert = subprocess.run(["openssl", "x509", "-req", "-CA", str(work / "ca.crt"), "-CAkey", str(work / "ca.key"),
                               "-sha1", "-days", "90", "-copy_extensions", "copy", "-set_serial", "4242"],
                              input=csr, capture_output=True, check=True).stdout
        return x509.load_pem_x509_certificate(cert)

    def add(self, server: Server) -> Server:
        taken = {other.port for other in self.servers.values()}
        while not server.port or server.port in taken:  # the OS may hand a just-closed port out again
            server.port = free_port()
        self.servers[server.name] = server
        return server

    def https(self, name: str, *, issuer: str = "root", leaf_kw: dict | None = None, send_chain: bool = False,
              **kw) -> Server:
        key, cert = self.leaf(issuer, **(leaf_kw or {}))
        chain = [cert, self.int_cert] if send_chain else [cert]
        return self.add(Server(name, chain=chain, key=key, **kw))

    # ------------------------------------------------------------------------------ nginx
    def _write(self) -> Path:
        conf = ["user root;" if os.geteuid() == 0 else "",  # as root, workers would be `nobody`: no access to tmp dirs
                f"pid {self.root}/nginx.pid;", "worker_processes 2;", "events { worker_connections 512; }",
                "http {", "  access_log off;", "  server_tokens off;", "  default_type text/html;",
                f"  client_body_temp_path {self.root}/tmp;", f"  proxy_temp_path {self.root}/tmp;",
                f"  fastcgi_temp_path {self.root}/tmp;", f"  uwsgi_temp_path {self.root}/tmp;", f"  scgi_temp_path {self.root}/tmp;",
                "  types { text/html html; application/pkix-cert der; }"]
        (self.root / "tmp").mkdir(exist_ok=True)
        for server in self.servers.values():
            docroot = self.root / server.name
            docroot.mkdir(exist_ok=True)
            pages = {"/index.html": HOME.format(title=server.name, body="<p>lab</p>"), **server.pages}
            for path, body in pages.items():
                target = docroot / path.lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
            block = [f"  server {{\n    listen 127.0.0.1:{server.port}{' ssl' if server.tls else ''};", "    server_name _;",
                     f"    root {docroot};", "    index index.html;"]
            if server.tls:
                (self.root / f"{server.name}.crt").write_bytes(pem(*server.chain))
                (self.root / f"{server.name}.key").write_bytes(key_pem(server.key))
                block += [f"    ssl_certificate {self.root}/{server.name}.crt;",
                          f"    ssl_certificate_key {self.root}/{server.name}.key;",
                          f"    ssl_protocols {server.protocols};"]
                if server.ciphers:
                    block.append(f"    ssl_ciphers {server.ciphers};")
                if server.dhparam:
                    params = dh.DHParameterNumbers(MODP_1024, 2).parameters()
                    (self.root / "dh1024.pem").write_bytes(params.parameter_bytes(serialization.Encoding.PEM,
                                                                                  serialization.ParameterFormat.PKCS3))
                    block.append(f"    ssl_dhparam {self.root}/dh1024.pem;")
                if server.redirect_plain_http:  # nginx's 497: plain HTTP sent to this HTTPS port
                    block.append("    error_page 497 =301 https://$host:$server_port$request_uri;")
            if server.headers:
                lines = [line.strip() for line in HEADERS.splitlines() if "Strict" not in line]
                if server.tls and server.hsts:
                    lines.append(f'add_header Strict-Transport-Security "{server.hsts}" always;')
                block += ["    " + line for line in lines]
            block.append(server.extra)
            block.append("  }")
            conf.append("\n".join(block))
        conf.append("}")
        path = self.root / "nginx.conf"
        path.write_text("\n".join(conf))
        return path

    def start(self) -> None:
        conf = self._write()
        empty = self.root / "openssl.cnf"
        empty.write_text("")
        env = {**os.environ, "OPENSSL_CONF": str(empty)}
        self.process = subprocess.Popen([NGINX, "-e", "stderr", "-p", str(self.root), "-c", str(conf), "-g", "daemon off;"],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        for server in self.servers.values():
            while True:
                try:
                    socket.create_connection(("127.0.0.1", server.port), timeout=0.5).close()
                    break
                except OSError:
                    if self.process.poll() is not None:
                        raise RuntimeError(f"nginx exited: {self.process.stderr.read().decode()[-2000:]}") from None
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"nginx did not listen on {server.port}") from None
                    time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
