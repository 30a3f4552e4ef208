"""The crawler's permissive TLS client (docs/SPEC.md §6): legacy protocols, weak DH, any certificate.

A site with weak TLS must be audited and reported, never marked unreachable for it. Scrapy's
DOWNLOADER_CLIENT_TLS_CIPHERS goes through Twisted's AcceptableCiphers, which keeps cipher names
but drops `@SECLEVEL=0`, and Debian's openssl.cnf sets MinProtocol = TLSv1.2 and SECLEVEL=2: so
TLS 1.0-only servers, 1024-bit DH and 1024-bit RSA certificates would all fail the handshake.
This context factory sets the security level and the minimum version on the context itself.
Judging the TLS is sslyze's job (spiders/tlsscan.py), not the crawler's.
"""

from __future__ import annotations

from OpenSSL import SSL
from scrapy.core.downloader.contextfactory import _ScrapyCertificateOptions, _ScrapyClientContextFactory
from twisted.internet.ssl import TLSVersion

PERMISSIVE_CIPHERS = b"ALL:@SECLEVEL=0"


class _PermissiveCertificateOptions(_ScrapyCertificateOptions):
    def _makeContext(self, *args, **kwargs) -> SSL.Context:
        context = super()._makeContext(*args, **kwargs)
        context.set_cipher_list(PERMISSIVE_CIPHERS)
        context.set_min_proto_version(SSL.TLS1_VERSION)
        return context


class PermissiveContextFactory(_ScrapyClientContextFactory):
    def _get_cert_options(self) -> _ScrapyCertificateOptions:
        kwargs = self._get_cert_options_kwargs()
        for conflicting in ("method", "raiseMinimumTo"):  # Twisted's own floor is TLS 1.2
            kwargs.pop(conflicting, None)
        kwargs["insecurelyLowerMinimumTo"] = TLSVersion.TLSv1_0
        return _PermissiveCertificateOptions(**kwargs)
