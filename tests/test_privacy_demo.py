"""The crawl fetches the county's readable attachments into the page store, `check` reads them with no
network, the caps keep what is over them unread (never broken), and no output ever holds a full number."""

from __future__ import annotations

import json

import pytest

from auditcli.demo.sites import county
from auditcli.stores.pagestore import PageStore
from tests.conftest import FAST, can_run_offline, run_cli

FULL_NUMBERS = [county.DIBAO_ID, county.RELIEF_ID, *county.DIBAO_PHONES]


def attachments(site: dict) -> dict[str, dict]:
    return {a["url"].rsplit("/", 1)[1]: a for a in site["attachments"]}


def test_the_county_attachments_are_read_or_listed_with_their_reason(demo_audit):
    listed = attachments(demo_audit.sites["county"])
    assert (listed["dbdx_lxb.xlsx"]["status"], listed["dbdx_lxb.xlsx"]["found"]["mobile"]) == ("read", 3)
    assert (listed["lsjz_spb.pdf"]["status"], listed["lsjz_spb.pdf"]["found"]["id_number"]) == ("read", 1)
    assert (listed["plan.doc"]["status"], listed["plan.doc"]["reason"]) == ("not-readable", "word-binary")
    assert (listed["report.pdf"]["status"], listed["report.pdf"]["reason"]) == ("not-fetched", "http-404")
    for site_id, site in demo_audit.sites.items():  # the rest of the farm: nothing personal anywhere
        if site_id != "county":
            assert not [f for f in site["findings"] if f["check"].startswith("privacy.")], site_id


def test_readable_attachments_are_stored_whole_and_others_asked_with_head(demo_audit):
    store = demo_audit.store
    rows = {p.url.rsplit("/", 1)[1]: p for p in store.pages("county", kind="attachment")}
    assert rows["dbdx_lxb.xlsx"].body.startswith(b"PK\x03\x04") and rows["lsjz_spb.pdf"].body.startswith(b"%PDF-")
    assert rows["plan.doc"].body == b"" and rows["plan.doc"].status == 200


def test_no_output_holds_a_full_number(demo_audit):
    for path in demo_audit.out.iterdir():
        if path.is_file() and path.suffix in (".json", ".html", ".csv", ".xml", ".sarif"):
            text = path.read_text("utf-8", errors="replace")
            leaked = [n for n in FULL_NUMBERS if n in text]
            assert leaked == [], f"{path.name} repeats {leaked}"


def test_check_reads_the_stored_attachments_with_no_network(demo_audit, tmp_path):
    if not can_run_offline():
        pytest.skip("`unshare --net` is not permitted here, so offline cannot be proven")
    rerun = run_cli("check", str(demo_audit.out / "crawl"), "--out", str(tmp_path), "--only", "content,links",
                    "--format", "json", "--quiet", offline=True)
    assert rerun.returncode == 0, rerun.stderr
    again = {s["id"]: s for s in json.loads((tmp_path / "results.json").read_text("utf-8"))["sites"]}
    assert again["county"]["attachments"] == demo_audit.sites["county"]["attachments"]
    assert sorted(f["fingerprint"] for f in again["county"]["findings"] if f["dimension"] == "content") == sorted(
        f["fingerprint"] for f in demo_audit.sites["county"]["findings"] if f["dimension"] == "content")


def test_over_the_caps_attachments_are_not_read_and_not_broken(demo_farm, tmp_path):
    """--max-attachment-mb under the XLSX's size and --max-attachments 1: the XLSX (linked first) is fetched
    and cancelled as too large, the PDF only asked for its status; neither is broken nor read."""
    home = demo_farm.base_urls["county"].rstrip("/") + "/"
    result = run_cli("audit", home, "--out", str(tmp_path), "--only", "content,links", "--max-attachment-mb", "0.003",
                     "--max-attachments", "1", "--format", "json", *FAST)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    site = json.loads((tmp_path / "results.json").read_text("utf-8"))["sites"][0]
    listed = attachments(site)
    assert (listed["dbdx_lxb.xlsx"]["status"], listed["dbdx_lxb.xlsx"]["reason"]) == ("too-large", "too-large")
    assert (listed["lsjz_spb.pdf"]["status"], listed["lsjz_spb.pdf"]["reason"]) == ("not-fetched", "max-attachments")
    broken = {f["url"].rsplit("/", 1)[1] for f in site["findings"] if f["check"] == "links.broken"}
    assert not broken & {"dbdx_lxb.xlsx", "lsjz_spb.pdf", "plan.doc"} and "report.pdf" in broken
    assert not [f for f in site["findings"] if f["check"].startswith("privacy.") and "/uploads/" in f["url"]]
    store = PageStore.open_existing(tmp_path / "crawl")
    assert store.page(site["id"], listed["lsjz_spb.pdf"]["url"]).body == b""


def test_bad_attachment_caps_are_refused_with_a_clear_message(tmp_path):
    result = run_cli("crawl", "http://127.0.0.1:9/", "--out", str(tmp_path), "--max-attachment-mb", "0")
    assert result.returncode == 2 and "--max-attachment-mb" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("crawl", "http://127.0.0.1:9/", "--out", str(tmp_path), "--max-attachments", "-1")
    assert result.returncode == 2 and "--max-attachments" in result.stderr


def test_the_report_has_a_content_section_with_masked_evidence_and_one_line_per_attachment(demo_audit):
    import re

    html = (demo_audit.out / "report.html").read_text("utf-8")
    county = html[html.index('id="' + next(a for a in re.findall(r'id="(site-[^"]+)"', html) if "county" in a)):]
    section = county[county.index("内容安全</h4>"):county.index("</article>")]
    assert "1504**********0023" in section and "138****1234（低保对象 第2行）" in section
    table = section[section.index('class="compact attachments"'):section.index("</table>")]
    assert table.count("<tr>") == 1 + len(demo_audit.sites["county"]["attachments"])  # header + one per attachment
    assert "已读取" in table and "Word 97-2003" in table and "HTTP 404" in table
    assert "privacy.id-number" not in county[county.index("问题（按规则、页面分组）"):]  # shown once, in its section
