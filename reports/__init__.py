"""Reports: scoring profiles, the HTML report and machine formats, gate, diff.

Every renderer reads only a results.json dict (schema ``auditcli.results/v1``).
"""

from __future__ import annotations

from typing import Any

# One reader and one atomic writer for every renderer (results.json and every report format).
from auditcli.stores.results import FILE_MODE, ResultsError, atomic_write, json_pieces, load_results

__all__ = ["ResultsError", "load_results", "atomic_write", "json_pieces", "FILE_MODE"]


def check_info(results: dict, check_id: str) -> dict:
    return (results.get("checks") or {}).get(check_id) or {}


def localized(value: Any, lang: str, fallback: str = "") -> str:
    """Pick a language from a {zh, en} dict (or return a plain string)."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("zh") or value.get("en") or fallback)
    if value is None:
        return fallback
    return str(value)


def finding_title(results: dict, finding: dict, lang: str) -> str:
    info = check_info(results, finding.get("check", ""))
    if lang == "en":
        return localized(info.get("title"), "en", finding.get("title") or finding.get("check", ""))
    return finding.get("title") or localized(info.get("title"), "zh", finding.get("check", ""))


def finding_message(results: dict, finding: dict, lang: str) -> str:
    if lang == "en":
        return (finding.get("message_en") or finding_title(results, finding, "en")
                or finding.get("message") or "")
    return finding.get("message") or finding.get("title") or ""


def finding_fix(results: dict, finding: dict, lang: str) -> str:
    info = check_info(results, finding.get("check", ""))
    if lang == "en":
        return localized(info.get("fix"), "en", finding.get("fix") or "")
    return finding.get("fix") or localized(info.get("fix"), "zh")


def finding_refs(results: dict, finding: dict) -> list[str]:
    refs = finding.get("refs") or check_info(results, finding.get("check", "")).get("refs") or []
    return [str(r) for r in refs]
