"""The security dimension's rules that need no TLS lab (so they run without nginx): cookie parsing,
the weak-cipher list, RFC 6125 hostname matching, and a bad --ca-bundle refused in one message."""

from __future__ import annotations

from tests.conftest import run_cli


def test_bad_ca_bundle_is_one_clear_message(tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    done = run_cli("audit", "https://127.0.0.1:9/", "--out", str(tmp_path / "o"), "--ca-bundle", str(bad), "--no-history")
    assert done.returncode == 2 and "--ca-bundle" in done.stderr and "Traceback" not in done.stderr


def test_set_cookie_values_joined_by_the_store_split_on_cookie_boundaries_not_on_expires():
    from checks.security.http import parse_cookies

    joined = "JSESSIONID=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly, token=2; Secure; SameSite=Lax"
    assert parse_cookies(joined) == [("JSESSIONID", {"path": "/", "expires": "Wed, 21 Oct 2026 07:28:00 GMT", "httponly": ""}),
                                     ("token", {"secure": "", "samesite": "Lax"})]


def test_weak_ciphers_are_the_specs_list_and_cbc_or_sha1_mac_alone_is_not():
    from checks.security.tls import weak_cipher_reason

    assert weak_cipher_reason({"name": "TLS_RSA_WITH_3DES_EDE_CBC_SHA"}) == "3DES/DES"
    assert weak_cipher_reason({"name": "TLS_ECDHE_RSA_WITH_RC4_128_SHA"}) == "RC4"
    assert weak_cipher_reason({"name": "TLS_RSA_EXPORT_WITH_RC4_40_MD5"}) == "EXPORT"
    assert weak_cipher_reason({"name": "TLS_RSA_WITH_NULL_SHA256"}) == "NULL"
    assert weak_cipher_reason({"name": "TLS_DH_anon_WITH_AES_128_CBC_SHA", "anonymous": True}) == "anonymous"
    assert weak_cipher_reason({"name": "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "kex": "DH", "kex_bits": 1024}) == "DH 1024"
    assert weak_cipher_reason({"name": "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "kex": "DH", "kex_bits": 2048}) is None
    assert weak_cipher_reason({"name": "TLS_RSA_WITH_AES_128_CBC_SHA"}) is None
    assert weak_cipher_reason({"name": "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "kex": "ECDH", "kex_bits": 256}) is None


def test_hostname_matching_follows_rfc_6125(tmp_path):
    from spiders.tlsscan import matches_hostname
    from tests.tlslab import make_cert, make_key

    key = make_key()
    cert = make_cert("x", key, names=["*.example.gov.cn", "10.0.0.1"])
    assert matches_hostname(cert, "www.example.gov.cn") and matches_hostname(cert, "10.0.0.1")
    assert not matches_hostname(cert, "a.b.example.gov.cn") and not matches_hostname(cert, "example.gov.cn")


def test_login_forms_are_read_from_the_tree_and_printed_as_written():
    from auditcli.core.tree import parse
    from checks.security.login import read_login_forms

    html = ('<html><body><div class="login"><form action="http://x.gov.cn/login.do" method=post>'
            '<input type=radio name=kind value=1 checked>个人 <input type=radio name=kind value=2>法人'
            '<input name=user placeholder="用户名"><input type=password name=pwd readonly>'
            '<input name=verifycode class=" code  img "><button>登录</button></form></div>'
            '<input type=PASSWORD id=outside></body></html>')
    form, outside = read_login_forms(parse(html), "https://x.gov.cn/login.html", "page", None, html)
    assert (form.action, form.selector, form.captcha) == ("http://x.gov.cn/login.do", "body > div.login > form",
                                                          ["verifycode"])
    assert form.snippet == ('<form action="http://x.gov.cn/login.do" method="post"><input checked="" name="kind" '
                            'type="radio" value="1"/>个人 <input name="kind" type="radio" value="2"/>法人<input '
                            'name="user" placeholder="用户名"/><input name="pwd" readonly="" type="password"/><input '
                            'class="code img" name="verifycode"/><button>登录</button></form>')  # BeautifulSoup's str()
    assert (outside.selector, outside.snippet) == ("input#outside", '<input id="outside" type="PASSWORD"/>')
