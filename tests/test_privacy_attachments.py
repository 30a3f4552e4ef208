"""Attachments read for personal data: each reader on a real file, the formats no reader takes, broken and
hostile files (never fatal: fuzzed with hypothesis), the per-file time and text bounds, and the site's list of
attachments built from the stored crawl alone."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditcli.core.models import SiteConfig
from auditcli.demo import assets
from auditcli.stores.pagestore import Link, NotScanned, PageStore, StoredPage
from checks.content import attachments as readers
from checks.content import privacy
from checks.content.privacy import attachment_reads, read_attachment
from checks.engine.registry import all_checks, select
from checks.engine.runner import run_site
from checks.engine.siteview import SiteView

AS_OF = date(2026, 11, 20)
BASE = "http://www.sl.gov.cn"
DATA = Path(__file__).parent / "data" / "attachments"
ID_1 = "150425197803150023"
ID_2 = "150425196805120018"


def docx_bytes() -> bytes:
    """A 审批表 as county offices write it in Word: a paragraph, then a table of applicants."""
    import docx

    document = docx.Document()
    document.add_paragraph("示例县2026年临时救助对象审批表")
    table = document.add_table(rows=3, cols=4)
    for r, row in enumerate([["姓名", "身份证号", "联系电话", "救助金额"],
                             ["王某某", ID_2, "13847601234", "2000"],
                             ["赵某某", "1504**********0034", "182****3456", "1500"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("审批单位：示例县民政局　咨询电话：13904760001")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    return assets.xlsx("低保对象", [["序号", "姓名", "所在嘎查村", "联系电话"], [1, "张某某", "幸福村", 13847601234],
                                    [2, "王某某", "团结村", "15904762345"]])


def pdf_bytes() -> bytes:
    return assets.pdf(["示例县临时救助审批表", f"申请人：王某某　性别：男　身份证号：{ID_2}",
                       "审批单位：示例县民政局　监督电话：0476-8888888"])


def read(url: str, body: bytes):
    return read_attachment(url, body, AS_OF)


# ------------------------------------------------------------------ each reader
def test_pdf_text_is_read_with_its_page_number():
    got = read(BASE + "/uploads/spb.pdf", pdf_bytes())
    assert (got.status, got.type, got.scan.counts["id_number"]) == ("read", "pdf", 1)
    assert got.scan.samples["id_number"] == [{"masked": "1504**********0018", "where": "第1页"}]


def test_docx_table_rows_are_read_with_the_header_as_context():
    got = read(BASE + "/uploads/spb.docx", docx_bytes())
    assert got.status == "read" and got.type == "docx"
    assert got.scan.counts == {"id_number": 1, "mobile": 1, "bank_card": 0}  # not the office's 咨询电话
    assert got.scan.samples["mobile"][0] == {"masked": "138****1234", "where": "表1 第2行"}


def test_xlsx_rows_are_read_with_sheet_and_row_and_number_cells_count():
    got = read(BASE + "/uploads/lxb.xlsx", xlsx_bytes())
    assert got.status == "read" and got.scan.counts["mobile"] == 2
    assert [s["where"] for s in got.scan.samples["mobile"]] == ["低保对象 第2行", "低保对象 第3行"]


def test_xls_and_wps_et_workbooks_are_read_with_xlrd():
    body = (DATA / "butie.xls").read_bytes()
    for name in ("butie.xls", "butie.et"):
        got = read(f"{BASE}/uploads/{name}", body)
        assert got.status == "read" and got.type == "xls"
        assert got.scan.counts == {"id_number": 1, "mobile": 1, "bank_card": 1}
        assert got.scan.samples["bank_card"][0] == {"masked": "6217***********8907", "where": "补贴发放 第3行"}


def test_csv_in_gb18030_and_an_html_table_saved_as_xls_are_read():
    csv = f"序号,姓名,身份证号,联系电话\r\n1,张某某,{ID_1},13847601234\r\n".encode("gb18030")
    got = read(BASE + "/uploads/mingdan.csv", csv)
    assert got.status == "read" and got.scan.counts["id_number"] == 1 and got.scan.counts["mobile"] == 1
    html_xls = ('<html><head><meta charset="gbk"></head><body><table><tr><td>姓名</td><td>身份证号</td></tr>'
                f"<tr><td>张某某</td><td>{ID_1}</td></tr></table></body></html>").encode("gbk")
    got = read(BASE + "/uploads/mingdan.xls", html_xls)
    assert got.status == "read" and got.scan.counts["id_number"] == 1


# ------------------------------------------------------------------ what no reader takes
def test_word_binary_encrypted_and_unknown_files_are_listed_with_their_reason():
    assert read(BASE + "/a.doc", assets.doc("规划纲要")).reason == "word-binary"
    encrypted_ooxml = readers.OLE_MAGIC + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 400
    got = read(BASE + "/a.xlsx", encrypted_ooxml)
    assert (got.status, got.reason) == ("not-readable", "encrypted")
    error_page = "<!DOCTYPE html><html><body><p>文件不存在或已被删除</p></body></html>".encode()
    assert read(BASE + "/a.pdf", error_page).status == "read"  # an HTML page served as .pdf is read as HTML
    got = read(BASE + "/a.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert (got.status, got.reason) == ("not-readable", "malformed")
    got = read(BASE + "/a.docx", _zip({"mimetype": b"application/ofd"}))
    assert (got.status, got.reason) == ("not-readable", "unsupported-format")


def test_a_password_protected_pdf_is_listed_as_encrypted():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    got = read(BASE + "/locked.pdf", buffer.getvalue())
    assert (got.status, got.reason) == ("not-readable", "encrypted")


def test_a_pdf_restricted_only_by_an_owner_password_is_read():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    got = read(BASE + "/print-only.pdf", buffer.getvalue())
    assert got.status == "read" and got.scan.counts["id_number"] == 1


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# ------------------------------------------------------------------ hostile files never crash a run
SAMPLES = {"a.pdf": pdf_bytes(), "a.docx": docx_bytes(), "a.xlsx": xlsx_bytes(),
           "a.xls": (DATA / "butie.xls").read_bytes()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SAMPLES)), st.floats(0, 1), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)),
                                                                     max_size=8))
def test_truncated_or_corrupted_attachments_are_listed_never_raised(name, cut, flips):
    body = bytearray(SAMPLES[name][: max(1, int(len(SAMPLES[name]) * cut))] if cut < 0.98 else SAMPLES[name])
    for where, value in flips:
        body[min(len(body) - 1, int(len(body) * where))] = value
    got = read(f"{BASE}/{name}", bytes(body))
    assert got.status in ("read", "not-readable")
    assert got.status == "read" or got.reason in ("malformed", "unsupported-format", "encrypted", "word-binary", "timeout")


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from(["a.pdf", "a.docx", "a.xlsx", "a.xls", "a.et", "a.csv"]))
def test_random_bytes_under_any_name_never_raise(body, name):
    got = read(f"{BASE}/{name}", body)
    assert got.status in ("read", "not-readable")


# ------------------------------------------------------------------ bounds
def test_a_reader_stuck_past_its_time_is_stopped_and_listed(monkeypatch):
    def endless(body):  # a reader stuck inside one file (a pathological page of a PDF)
        while True:
            pass
        yield readers.Record("…", "第1行")

    monkeypatch.setitem(privacy.rules()["attachments"], "seconds_each", 0.5)
    monkeypatch.setattr(readers, "_text", endless)
    started = time.monotonic()
    got = read(BASE + "/endless.txt", b"x")
    assert (got.status, got.reason) == ("not-readable", "timeout")
    assert time.monotonic() - started < 3


def test_text_past_the_cap_is_left_unread_and_marked_truncated(monkeypatch):
    monkeypatch.setitem(privacy.rules()["attachments"], "max_text_chars", 200)
    lines = "\n".join(f"第{n}行：张某某 {ID_1 if n == 90 else '—'}" for n in range(1, 100)).encode()
    got = read(BASE + "/long.txt", lines)
    assert got.status == "read" and got.truncated and got.text_chars < 260
    assert got.scan.counts["id_number"] == 0  # line 90 was never read


# ------------------------------------------------------------------ the site's attachments, from the store alone
def _stored(store: PageStore, url: str, body: bytes, status: int = 200, headers: dict | None = None) -> None:
    store.add_page(StoredPage("s", url, url, status, headers or {}, body, None, None, "attachment", 2,
                              BASE + "/gsgg/t1.html", 0.1, time.time()))


@pytest.fixture
def site(tmp_path) -> SiteView:
    store = PageStore(tmp_path / "store")
    config = SiteConfig(id="s", name="示例县人民政府", url=BASE + "/")
    store.register_site("s", config.to_dict())
    store.add_page(StoredPage("s", BASE + "/gsgg/t1.html", BASE + "/gsgg/t1.html", 200, {}, b"<p>gs</p>", "utf-8",
                              "text/html", "page", 1, None, 0.1, time.time()))
    names = ["lxb.xlsx", "spb.pdf", "gy.doc", "old.pdf", "more.xlsx", "big.pdf", "robots.pdf"]
    store.add_links("s", [Link(BASE + "/gsgg/t1.html", f"{BASE}/uploads/{n}", n, "a", True, "attachment")
                          for n in names])
    _stored(store, BASE + "/uploads/lxb.xlsx", xlsx_bytes())
    _stored(store, BASE + "/uploads/spb.pdf", pdf_bytes())
    _stored(store, BASE + "/uploads/gy.doc", b"", headers={"content-length": "1036"})        # HEAD only
    _stored(store, BASE + "/uploads/old.pdf", b"", status=404)
    _stored(store, BASE + "/uploads/more.xlsx", b"", headers={"content-length": "52000"})     # over the count
    store.add_not_scanned("s", BASE + "/uploads/big.pdf", "too-large", "larger than download max size")
    store.add_not_scanned("s", BASE + "/uploads/robots.pdf", "robots", "disallowed by robots.txt")
    store.commit()
    return SiteView(config, store, AS_OF)


def test_every_linked_attachment_is_listed_with_what_became_of_it(site):
    listed = {r.url.rsplit("/", 1)[1]: (r.status, r.reason) for r in attachment_reads(site)}
    assert listed == {"lxb.xlsx": ("read", None), "spb.pdf": ("read", None),
                      "gy.doc": ("not-readable", "word-binary"), "old.pdf": ("not-fetched", "http-404"),
                      "more.xlsx": ("not-fetched", "max-attachments"), "big.pdf": ("too-large", "too-large"),
                      "robots.pdf": ("not-fetched", "robots")}


def test_attachment_findings_name_the_file_its_type_and_the_page_linking_it(site):
    out = run_site(site, select(all_checks(), ["content"], None))
    found = {(f.check, f.url.rsplit("/", 1)[1]): f for f in out.findings}
    assert set(found) == {("privacy.mobile-number", "lxb.xlsx"), ("privacy.id-number", "spb.pdf")}
    pdf = found[("privacy.id-number", "spb.pdf")]
    assert pdf.data == {"kind": "id_number", "source": "attachment", "type": "pdf", "count": 1,
                        "samples": [{"masked": "1504**********0018", "where": "第1页"}],
                        "referrer": BASE + "/gsgg/t1.html"}
    assert "1504**********0018（第1页）" in pdf.evidence and ID_2 not in repr(pdf.to_dict())
    block = out.blocks["attachments"]
    assert [a["status"] for a in block].count("read") == 2
    assert next(a for a in block if a["url"].endswith("lxb.xlsx"))["found"] == {"id_number": 0, "mobile": 2,
                                                                                 "bank_card": 0}
    assert not out.errors


def test_a_site_with_no_attachment_gets_an_empty_list_and_no_finding(tmp_path):
    store = PageStore(tmp_path / "store")
    config = SiteConfig(id="s", name="示例乡", url=BASE + "/")
    store.register_site("s", config.to_dict())
    store.add_page(StoredPage("s", BASE + "/", BASE + "/", 200, {}, b"<p>home</p>", "utf-8", "text/html", "page", 0,
                              None, 0.1, time.time()))
    store.commit()
    out = run_site(SiteView(config, store, AS_OF), select(all_checks(), ["privacy."], None))
    assert out.blocks["attachments"] == [] and out.findings == []
    assert NotScanned  # (the store's not_scanned rows are what lists a too-large attachment: see above)
