"""Reading a page or an attachment as *records*: the units of text a person reads as one entry (a table
row, a list item, a paragraph, a PDF line, a spreadsheet row), each with where it is and the header of its
table or sheet, which says what the entry's numbers are (a 公示 list of people, a directory of offices).

Readers (libraries chosen in docs/SPEC.md §6, 内容安全): PDF with pypdf, DOCX with python-docx, XLSX with
openpyxl (read-only mode streams rows), XLS and WPS .et with xlrd, CSV/TXT and "spreadsheets" that are
HTML tables (many portals' .xls exports) as text. The type is told by the file's first bytes, not by its
extension alone. A file no reader takes, an encrypted one or a malformed one raises `NotReadable` with a
reason code; the caller lists it and goes on.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from lxml.html import HtmlElement
from w3lib.encoding import html_to_unicode

from auditcli.core import knowledge
from auditcli.core.attachments import extension
from auditcli.core.tree import INVISIBLE_TAGS, css_path, has_ancestor, parse, pieces, text_of
from checks.engine.watchdog import CheckTimeout

logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed files are expected here: their warnings are noise

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What could be a mobile, an ID or a card number (a superset of what checks.content.privacy finds): 11 digits
# from 1[3-9], 16-19 digits (18 ending in X), 3-4-4 and 4-4-4-4 groups, an 86 prefix. Not the 14 digits of a
# 公安备案号 or the 10 of a 网站标识码, which every page's footer carries: those pages cost one search (the
# lookahead first: most positions fail on it at once, twice as fast over a 40 KB page).
LONG_NUMBER = re.compile(r"(?=[\d+])(?<![0-9A-Za-z])(?:(?:\+|00)?86[- ]?)?(?:1[3-9]\d(?:\d{8}|[- ]\d{4}[- ]\d{4})|\d{16,19}"
                         r"|\d{17}[Xx]|\d{4}(?:[ -]\d{4}){3})(?![0-9A-Za-z])")
BLOCKS = frozenset(("li", "p", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "div", "section",
                    "article", "pre", "blockquote", "caption", "body", "form", "center", "font", "span"))


class NotReadable(Exception):
    """An attachment no reader can read. `code`: encrypted, word-binary, unsupported-format or malformed (the
    report's words for them, and for timeout, time-budget, no-text, max-attachments: reports/i18n.yaml
    `attachments`); `detail`: what the reader said."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail[:200]


@dataclass(frozen=True)
class Record:
    text: str
    where: str          # a CSS selector on a page; 第3页 / Sheet1 第5行 / 表1 第2行 in an attachment
    header: str = ""    # the header row of its table or sheet ("" when it is in none)


# ------------------------------------------------------------------ HTML pages
def html_records(root: HtmlElement) -> Iterator[Record]:
    """The records of a page that hold a long number: its table row, else its nearest block; in a long block
    (an editor's list written as lines between <br>), the line itself. Pages without such a number (nearly
    all) cost one search of their text."""
    if not LONG_NUMBER.search(_digits_ascii(" ".join(root.itertext()))):
        return
    seen: set[HtmlElement] = set()  # the elements themselves: an id() of a freed lxml proxy is reused
    for piece in pieces(root):
        if not LONG_NUMBER.search(_digits_ascii(piece.text)):
            continue
        parent = piece.parent
        if parent.tag in INVISIBLE_TAGS or has_ancestor(parent, INVISIBLE_TAGS):
            continue
        record = _record_element(parent)
        if record.tag == "tr":
            if record in seen:
                continue
            seen.add(record)
            head = _header_row(record)
            if head is not record:  # a header holds no data
                yield Record(text_of(record)[:4000], css_path(record), text_of(head) if head is not None else "")
            continue
        text = text_of(record)
        if len(text) > LONG_BLOCK:
            yield Record(text_of(piece.text), css_path(record))
        elif record not in seen:
            seen.add(record)
            yield Record(text, css_path(record))


LONG_BLOCK = 300  # characters: a block longer than this is read line by line (text run by text run)


def _record_element(node: HtmlElement) -> HtmlElement:
    block = None
    current: HtmlElement | None = node
    while current is not None and current.tag not in ("table", "html"):
        if current.tag == "tr":
            return current
        if block is None and current.tag in BLOCKS:
            block = current
        current = current.getparent()
    return block if block is not None else node


def _header_row(row: HtmlElement) -> HtmlElement | None:
    """The header of a row's table: its first row with <th> cells, else its first row."""
    table = next((a for a in row.iterancestors("table")), None)
    if table is None:
        return None
    rows = [r for r in table.iter("tr") if next(r.iterancestors("table"), None) is table]
    with_th = next((r for r in rows[:5] if r.find("th") is not None), None)
    return with_th if with_th is not None else (rows[0] if rows else None)


def _digits_ascii(text: str) -> str:
    """Full-width digits (１３８…, with full-width ＊ Ｘ － and spaces around them) as ASCII, so they are matched
    like the others. Translating a whole page costs more than everything else here: only a text holding a
    full-width digit is translated."""
    return text.translate(FULLWIDTH) if FULLWIDTH_CHAR.search(text) else text


FULLWIDTH_CHAR = re.compile("[０-９]")
FULLWIDTH = str.maketrans("０１２３４５６７８９＊Ｘｘ－　", "0123456789*Xx- ")


# ------------------------------------------------------------------ attachments
def sniff(body: bytes, url: str) -> str:
    """The reader for a body: pdf, docx, xlsx, xls, html or text (raises NotReadable)."""
    head = body[:2048]
    ext = extension(url)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise NotReadable("malformed", f"zip: {exc}") from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise NotReadable("unsupported-format", "a zip archive that is neither DOCX nor XLSX")
    if head.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in body[:65536] or b"EncryptedPackage" in body[:65536]:
            raise NotReadable("encrypted", "an encrypted Office file")
        if ext in (".xls", ".et") or "Workbook".encode("utf-16-le") in body[:65536]:
            return "xls"
        if "WordDocument".encode("utf-16-le") in body[:65536] or ext in (".doc", ".wps"):
            raise NotReadable("word-binary")
        raise NotReadable("unsupported-format", "an OLE2 compound file")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype", b"<html", b"<table", b"<?xml")) or b"<table" in stripped[:512]:
        return "html"
    if stripped.startswith(b"{\\rtf"):
        raise NotReadable("unsupported-format", "RTF")
    if ext in (".csv", ".txt"):
        return "text"
    raise NotReadable("unsupported-format" if ext not in (".pdf", ".docx", ".xlsx", ".xls", ".et") else "malformed",
                      f"{ext or 'no extension'} file whose content is not of that type")


def read_records(body: bytes, url: str, kind: str | None = None) -> Iterator[Record]:
    """The records of an attachment, one at a time (raises NotReadable; any library error on a malformed
    file is turned into NotReadable("malformed") by the caller, `safe_records`)."""
    kind = kind or sniff(body, url)
    reader = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "xls": _xls, "html": _html, "text": _text}[kind]
    yield from reader(body)


def safe_records(body: bytes, url: str) -> tuple[str, Iterator[Record]]:
    """(type, records) where a reader's own exceptions become NotReadable("malformed")."""
    kind = sniff(body, url)

    def guarded() -> Iterator[Record]:
        try:
            yield from read_records(body, url, kind)
        except NotReadable:
            raise
        except (MemoryError, RecursionError) as exc:
            raise NotReadable("malformed", f"{type(exc).__name__}") from None
        except CheckTimeout:
            raise
        except Exception as exc:  # the libraries raise anything on a malformed file; never fatal here
            if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
                raise NotReadable("encrypted", str(exc)) from None
            raise NotReadable("malformed", f"{type(exc).__name__}: {exc}") from None

    return kind, guarded()


def _pdf(body: bytes) -> Iterator[Record]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    if reader.is_encrypted:
        try:  # most "encrypted" government PDFs only restrict printing: the empty user password opens them
            if not reader.decrypt(""):
                raise NotReadable("encrypted", "a password is needed")
        except NotReadable:
            raise
        except Exception as exc:
            raise NotReadable("encrypted", str(exc)) from None
    header = ""
    for number, page in enumerate(reader.pages, 1):
        for line in (page.extract_text() or "").splitlines():
            line = line.strip()
            if line:
                yield Record(line, f"第{number}页", header)
                if _looks_like_header(line):
                    header = line  # a table's header line: the lines after it (and on the next pages) are its rows


def _docx(body: bytes) -> Iterator[Record]:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(body))
    paragraph = tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            tables += 1
            header = ""
            for number, row in enumerate(block.rows, 1):
                cells = []
                for cell in row.cells:  # a merged cell is given once per grid column it spans
                    if not cells or cells[-1][0] is not cell._tc:
                        cells.append((cell._tc, cell.text))
                text = " | ".join(t for _, t in cells)
                if number == 1:
                    header = text
                    continue
                yield Record(text, f"表{tables} 第{number}行", header)
        else:
            paragraph += 1
            if block.text.strip():
                yield Record(block.text.strip(), f"第{paragraph}段")


def _xlsx(body: bytes) -> Iterator[Record]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            yield from _sheet_records(sheet.title, sheet.iter_rows(values_only=True))
    finally:
        book.close()


def _xls(body: bytes) -> Iterator[Record]:
    import xlrd

    book = xlrd.open_workbook(file_contents=body, on_demand=True, logfile=io.StringIO())
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            yield from _sheet_records(sheet.name, (sheet.row_values(r) for r in range(sheet.nrows)))
            book.unload_sheet(index)
    finally:
        book.release_resources()


def _sheet_records(name: str, rows: Iterator[tuple]) -> Iterator[Record]:
    header = ""
    for number, row in enumerate(rows, 1):
        text = " | ".join(cell for cell in map(_cell, row) if cell)
        if not text:
            continue
        if not header and number <= _header()[1] and _looks_like_header(text):
            header = text
            continue
        yield Record(text, f"{name} 第{number}行", header)


def _cell(value: object) -> str:
    """A cell as its reader sees it: 13812345678.0 (a number cell) is 13812345678."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e20:
        return str(int(value))
    return str(value).strip()


def _html(body: bytes) -> Iterator[Record]:
    _, text = html_to_unicode(None, body)
    yield from html_records(parse(text))


def _text(body: bytes) -> Iterator[Record]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = body.decode("gb18030", "replace")
    header = ""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if not header and number <= _header()[1] and _looks_like_header(line):
            header = line
            continue
        yield Record(line, f"第{number}行", header)


@cache
def _header() -> tuple[tuple[str, ...], int]:
    limits = knowledge.load("privacy")["attachments"]
    return tuple(limits["header_words"]), int(limits["header_rows"])


def _looks_like_header(text: str) -> bool:
    """A short line naming two or more columns (序号 姓名 身份证号 联系电话): a table's header."""
    return (len(text) <= 200 and sum(word in text for word in _header()[0]) >= 2
            and not LONG_NUMBER.search(_digits_ascii(text)))
