"""Attachment reading speed per type (MB/s), and the peak memory of `auditcli check` with a 20 MB attachment.

    .venv/bin/python benchmarks/attachments_bench.py            # MB/s of each reader, on generated 公示 files
    .venv/bin/python benchmarks/attachments_bench.py --rss      # also: /usr/bin/time -v auditcli check, 20 MB XLSX / PDF

The files are what county offices publish: a 公示 sheet of people (序号 姓名 身份证号 联系电话 住址 金额, IDs
masked so the scanner works on every row), a Word 审批表 with its table, a text PDF of the same list, a CSV.
Each is read with `checks.content.privacy.read_attachment` (the reader, and the personal-data scan of every
record), on one core. XLS needs xlwt to write its file (not an auditcli dependency): `--xlwt DIR` adds a
directory holding it, else XLS is skipped.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AS_OF = date(2026, 11, 20)
HEADER = ["序号", "姓名", "身份证号", "联系电话", "家庭住址", "补贴金额（元）"]


def rows(n: int) -> list[list[object]]:
    return [[k, f"张某{k}", f"1504**********{k % 10000:04d}", f"138****{k % 10000:04d}",
             f"示例县甲镇幸福村{k % 50}组", 630 + k % 7] for k in range(1, n + 1)]


def xlsx(n: int) -> bytes:
    from auditcli.demo import assets

    return assets.xlsx("公示", [HEADER, *rows(n)])


def docx(n: int) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("示例县2026年城乡低保对象审批表")
    table = document.add_table(rows=0, cols=len(HEADER))
    for row in [HEADER, *rows(n)]:  # (table.cell(r, c) walks the rows each time: quadratic)
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf(pages: int, per_page: int = 45) -> bytes:
    from pypdf import PdfReader, PdfWriter

    from auditcli.demo import assets

    writer = PdfWriter()
    data = rows(pages * per_page)
    for p in range(pages):
        lines = [" ".join(map(str, HEADER))] + [" ".join(map(str, r)) for r in data[p * per_page:(p + 1) * per_page]]
        writer.add_page(PdfReader(io.BytesIO(assets.pdf(lines))).pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def csv(n: int) -> bytes:
    return "\r\n".join(",".join(map(str, r)) for r in [HEADER, *rows(n)]).encode("gb18030")


def xls(n: int, xlwt_dir: str | None) -> bytes | None:
    if xlwt_dir:
        sys.path.insert(0, xlwt_dir)
    try:
        import xlwt
    except ImportError:
        return None
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("公示")
    for r, row in enumerate([HEADER, *rows(min(n, 65000))]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def speed(name: str, body: bytes) -> None:
    from checks.content.privacy import read_attachment

    started = time.perf_counter()
    got = read_attachment(f"http://bench.gov.cn/{name}", body, AS_OF)
    seconds = time.perf_counter() - started
    mb = len(body) / 1024 / 1024
    print(f"{name:12} {mb:7.2f} MB  {seconds:6.2f} s  {mb / seconds:6.2f} MB/s  {got.text_chars / seconds / 1e6:5.2f} M chars/s"
          f"  status {got.status}{' (truncated)' if got.truncated else ''}{f' {got.reason}' if got.reason else ''}")


def rss(kind: str, body: bytes) -> None:
    """Peak RSS of `auditcli check` over a store holding one page that links one `kind` attachment."""
    from auditcli.core.models import SiteConfig
    from auditcli.stores.pagestore import Link, PageStore, StoredPage

    with tempfile.TemporaryDirectory() as tmp:
        store = PageStore(Path(tmp) / "crawl")
        base = "http://www.sl.gov.cn"
        config = SiteConfig(id="s", name="示例县人民政府", url=base + "/")
        store.register_site("s", config.to_dict())
        page = f'<html><body><p>附件：<a href="/uploads/gs.{kind}">公示名单</a></p></body></html>'.encode()
        store.add_page(StoredPage("s", base + "/", base + "/", 200, {}, page, "utf-8", "text/html", "page", 0, None,
                                  0.1, time.time()))
        store.add_page(StoredPage("s", f"{base}/uploads/gs.{kind}", f"{base}/uploads/gs.{kind}", 200, {}, body, None,
                                  None, "attachment", 1, base + "/", 0.1, time.time()))
        store.add_links("s", [Link(base + "/", f"{base}/uploads/gs.{kind}", "公示名单", "a", True, "attachment")])
        store.set_site_status("s", "ok")
        store.close()
        done = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "auditcli", "check", str(Path(tmp) / "crawl"),
                               "--out", str(Path(tmp) / "out"), "--only", "content,links", "--format", "json",
                               "--check-workers", "0", "--quiet", "--no-history"],
                              capture_output=True, text=True, cwd=ROOT)
        peak = next(line for line in done.stderr.splitlines() if "Maximum resident" in line)
        wall = next(line for line in done.stderr.splitlines() if "Elapsed (wall" in line)
        import json

        site = json.loads((Path(tmp) / "out" / "results.json").read_text("utf-8"))["sites"][0]
        read = site["attachments"][0]
        print(f"check, one {len(body) / 1024 / 1024:.1f} MB {kind} ({read['status']} {read['reason'] or ''}"
              f"{' truncated' if read['truncated'] else ''}, {read['text_chars']} chars): {peak.split(':')[-1].strip()} KB "
              f"peak RSS, {wall.split(': ')[-1].strip()} wall (exit {done.returncode})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=25000)
    parser.add_argument("--rss", action="store_true")
    parser.add_argument("--xlwt")
    args = parser.parse_args()
    files = {"gs.xlsx": xlsx(args.rows), "gs.docx": docx(args.rows // 4), "gs.pdf": pdf(args.rows // 90),
             "gs.csv": csv(args.rows)}
    if (body := xls(args.rows, args.xlwt)) is not None:
        files["gs.xls"] = body
    for name, body in files.items():
        speed(name, body)
    if args.rss:
        rss("csv", csv(10))          # the baseline: a tiny attachment
        rss("xlsx", xlsx(600_000))   # about 20 MB
        rss("pdf", pdf(1800))        # about 20 MB
        rss("xlsx", b"PK\x03\x04" + b"\x00" * (20 * 1024 * 1024))  # 20 MB of a broken zip


if __name__ == "__main__":
    main()
