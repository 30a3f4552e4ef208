"""Tiny binary assets (images, attachments) generated in code, so no package data files are needed."""

from __future__ import annotations

import struct
import zlib


def png(width: int = 1, height: int = 1, rgb: tuple[int, int, int] = (200, 16, 46)) -> bytes:
    """A valid solid-colour PNG."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def doc(title: str) -> bytes:
    """Bytes that start like an OLE2 (.doc) file; enough for a link checker."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + title.encode("utf-8") + b"\x00" * 512


def filler_html(size: int, title: str = "示例县年鉴（全文）") -> str:
    """An HTML page of about ``size`` bytes (UTF-8)."""
    para = "<p>示例县地处内蒙古自治区中部，历史悠久，物产丰富。本卷收录全县经济社会发展统计资料。</p>\n"
    head = f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n'
    tail = "</body>\n</html>\n"
    n = max(1, (size - len(head.encode()) - len(tail)) // len(para.encode()) + 1)
    return head + para * n + tail


def pdf(lines: list[str], title: str = "") -> bytes:
    """A valid one-page PDF whose text is `lines` (Chinese included): the Adobe-GB1 font STSong-Light with
    the UniGB-UCS2-H encoding, which readers supply themselves (as reportlab's CID fonts write it), so no
    font is embedded and the text is extractable."""

    def ucs2(text: str) -> str:
        return text.encode("utf-16-be").hex().upper()

    ops = ["BT", "/F1 12 Tf", "16 TL", "56 780 Td"]
    ops += [f"<{ucs2(line)}> Tj T*" for line in lines]
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    info = f"<< /Title <FEFF{ucs2(title)}> /Producer (auditcli demo) >>" if title else "<< /Producer (auditcli demo) >>"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        None,  # the content stream
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 "
        "/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        info,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode()
        if body is None:
            out += f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream"
        else:
            out += body.encode("ascii")
        out += b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def xlsx(sheet: str, rows: list[list[object]]) -> bytes:
    """An XLSX workbook of one sheet (openpyxl), dated at a fixed time so the farm's bytes do not change."""
    import io
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return _undated_zip(buffer.getvalue())


def _undated_zip(data: bytes) -> bytes:
    """The same zip with every entry dated 2026-01-01: openpyxl stamps the save time on the entries and
    on docProps/core.xml's `modified`, and the farm must come out byte for byte the same every time."""
    import io
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            body = source.read(entry)
            if entry.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", body)
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=(2026, 1, 1, 0, 0, 0)), body,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
