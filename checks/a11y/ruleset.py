"""The catalogue of static accessibility rules (filled by checks.a11y.rules as it defines them) and the
reference and template helpers both the static rules and the axe-core results use: apart from either, so
axe.py can read a rule's texts and rules.py can merge axe results without importing each other."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

from auditcli.core.knowledge import load
from checks.a11y.dom import Dom
from checks.a11y.markup import Document

GBT = load("accessibility")["gbt37668"]
Target = HtmlElement | Document  # what a finding names: an element, or a page without any (markup.Document)


def refs(act: str | None, *criteria: str) -> list[str]:
    out = [f"WCAG 2.1 {sc}" for sc in criteria]
    out += [f"GB/T 37668-2019 {GBT[sc]}" for sc in criteria if sc in GBT]
    if act:
        out.append(f"ACT {act}")
    return list(dict.fromkeys(out))


def template(selector: str) -> str:
    """The selector with positions dropped: the same broken template element on every page."""
    return re.sub(r":nth-of-type\(\d+\)", "", selector)


@dataclass(frozen=True)
class Hit:
    """What a rule yields when a plain (element, message zh, message en) is not enough: a review-level
    result (a heuristic that is not certain: severity info, `data.review`, listed apart and never
    scored, as axe's "needs review"), an evidence other than the element's outer HTML (the offending
    CSS rule of a <style>), or extra data."""

    target: Target
    message: str
    message_en: str
    review: bool = False
    severity: str | None = None  # another than the rule's (a certain case of a review-level rule)
    evidence: str | None = None
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    act: str | None
    severity: str
    criteria: tuple[str, ...]
    title: dict[str, str]
    why: dict[str, str]
    fix: dict[str, str]
    targets: Callable[[Dom], Iterator[tuple[Target, str, str] | Hit]]  # (element, message zh, message en)


RULES: list[Rule] = []  # in definition order
