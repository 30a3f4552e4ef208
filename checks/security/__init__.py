"""Dimension `security`: TLS per HTTPS host:port, HTTP hardening, and the login-page audit.

Passive only (docs/SPEC.md §6): the crawl scans each distinct HTTPS host:port once with sslyze and
probes the plain-HTTP form of https sites (`spiders.probes.SecurityProber`), storing the facts as
probes; these checks judge the stored probes and pages offline. No form is ever submitted.

Exact meanings (docs/SPEC.md §6 "Security details", plus what the SPEC leaves open):
- TLS hosts of a site: the https hosts its pages were served from (portal, aliases its start page
  redirected to, login/e-service hosts the crawl reached as `service` pages) and the https hosts its
  login forms post to. An http-only site's https form (same port when the URL names one, else 443)
  is scanned too: a failed handshake there is `tls.no-https`.
- Certificate problems each have their own id; trust is judged apart from dates, names and algorithm
  strength (spiders/tlsscan.py), so an expired certificate is not also untrusted. A chain the server
  left incomplete but that AIA completes to a trusted root is `tls.cert-chain-incomplete` only.
- `http.no-https-redirect`, HSTS and mixed content only apply to a site that offers HTTPS: a site
  with no HTTPS at all gets `tls.no-https` alone, not also "no redirect to the https it lacks".
- `login.form-action-insecure`: a password form whose action goes to http:// from an https page, or
  is written out as an http:// URL (an http page posting to its own relative action is already
  `login.password-over-http`).
- `login.single-factor` is judged per login page; second-factor signals and captcha words live in
  auditcli/core/knowledge/security.yaml.
- Severities follow the SPEC's severities bullet: active mixed content is medium, passive low.
"""

from checks.security import grade, http, login, tls  # noqa: F401  (registers the checks)
