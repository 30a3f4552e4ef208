"""What the security checks share: references, the login-form and TLS-host models, and
certificate validity judged at the audit's as-of date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from auditcli.stores.probes import TlsScan

REF_DJCP = "GB/T 22239-2019 信息安全技术 网络安全等级保护基本要求"
REF_DJCP_AUTH = "GB/T 22239-2019 8.1.4.1 身份鉴别（第三级：两种或两种以上组合的鉴别技术）"
REF_DJCP_TRANSPORT = "GB/T 22239-2019 8.1.2.2 通信传输（采用校验技术或密码技术保证通信过程中数据的完整性、保密性）"
REF_CRYPTO = "GB/T 39786-2021 信息安全技术 信息系统密码应用基本要求"
REF_RFC8996 = "RFC 8996 Deprecating TLS 1.0 and TLS 1.1"
REF_RFC6797 = "RFC 6797 HTTP Strict Transport Security"
REF_W3C_MIXED = "W3C Mixed Content"
LEGACY = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1")


# ====================================================================================== models
@dataclass
class LoginForm:
    """A page with a password field, as the login checks see it."""

    page: str                      # the page URL as served (final URL)
    kind: str                      # page | service
    action: str                    # absolute action URL ("" when the field is outside any form)
    action_raw: str
    selector: str
    snippet: str
    factors: list[str] = field(default_factory=list)    # second-factor signals found (labels)
    captcha: list[str] = field(default_factory=list)    # captcha/slider words found (not a factor)
    referrer: str | None = None                         # the page the crawl came from
    factors_en: list[str] = field(default_factory=list)

    @property
    def https_page(self) -> bool:
        return self.page.startswith("https://")


@dataclass
class HostTLS:
    host: str
    port: int
    roles: list[str]
    probe: TlsScan | None

    @property
    def url(self) -> str:
        return f"https://{self.host}/" if self.port == 443 else f"https://{self.host}:{self.port}/"

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def scanned(self) -> bool:
        return bool(self.probe and self.probe.tls)

    def certificate(self, as_of: date) -> dict[str, Any] | None:
        """The scanned certificate with its validity judged at the audit's as-of day (`dated_problems`)."""
        certificate = self.probe.certificate if self.probe else None
        if not certificate or self.probe is None:
            return None
        return {**certificate, "problems": dated_problems(certificate, judged_at(self.probe, as_of))}


# ====================================================================================== validity by date
def judged_at(probe: TlsScan, as_of: date) -> datetime:
    """The moment a certificate's dates are judged at: the scan's own moment moved to the as-of day. On
    the day of the scan that is the handshake itself; `auditcli check --as-of` a month later judges the
    same certificate a month on. A scan without its moment is judged at midday (UTC) of the as-of day."""
    scanned = probe.scanned_at
    if not scanned:
        return datetime.combine(as_of, time(12), UTC)
    at = datetime.fromisoformat(scanned)
    return at + timedelta(days=(as_of - at.astimezone().date()).days)


def dated_problems(certificate: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    """The certificate's problems with `expired` / `not_yet_valid` decided here, from the dates the scan
    stored, and never taken from the scan (whose clock is not the audit's day)."""
    problems = dict(certificate.get("problems") or {})
    problems["expired"] = datetime.fromisoformat(certificate["not_after"]) < at
    problems["not_yet_valid"] = datetime.fromisoformat(certificate["not_before"]) > at
    return problems
