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
