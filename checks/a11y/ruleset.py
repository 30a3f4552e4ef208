"""The catalogue of static accessibility rules (filled by checks.a11y.rules as it defines them) and the
reference and template helpers both the static rules and the axe-core results use: apart from either, so
axe.py can read a rule's texts and rules.py can merge axe results without importing each other."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

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
class Rule:
    id: str
    act: str | None
    severity: str
    criteria: tuple[str, ...]
    title: dict[str, str]
    why: dict[str, str]
    fix: dict[str, str]
    targets: Callable[[Dom], Iterator[tuple[Target, str, str]]]  # (element, message zh, message en)


RULES: list[Rule] = []  # in definition order
