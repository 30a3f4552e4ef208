"""Which attachments can be read for their text: the crawl fetches these with GET (under --max-attachments
and --max-attachment-mb), and checks.content.attachments reads what it stored. Other attachments (.doc,
.wps, .ofd, archives) are only asked for their status (HEAD), as before: no well-kept Python library reads
the Word 97-2003 binary format (.doc, and WPS Writer's .wps), so they are listed as not readable."""

from __future__ import annotations

from urllib.parse import urlsplit

# extension -> reader (checks.content.attachments): WPS 表格 (.et) files are BIFF8 workbooks, read as .xls
READABLE = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".xls": "xls", ".et": "xls",
            ".csv": "text", ".txt": "text"}


def extension(url: str) -> str:
    """The lower-case extension of a URL's path (".pdf"), or ""."""
    leaf = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    return leaf[leaf.rfind("."):] if "." in leaf else ""


def readable_type(url: str) -> str | None:
    """The reader of an attachment URL by its extension, or None when no reader takes it."""
    return READABLE.get(extension(url))
