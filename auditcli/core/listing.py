"""Lists cut short for a terminal: every cut list says how much was left out ("…and N more")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

Item = TypeVar("Item")


def first(items: Sequence[Item], limit: int) -> tuple[list[Item], str | None]:
    """The first `limit` items, and the closing line when some were left out (else None): a reader
    must never take a cut list for the whole."""
    left = len(items) - limit
    return list(items[:limit]), (f"…and {left} more" if left > 0 else None)


def joined(items: Sequence[str], limit: int, sep: str = ", ") -> str:
    """The first `limit` items on one line, ending with "…and N more" when some were left out."""
    shown, tail = first(items, limit)
    return sep.join(shown) + (f"{sep}{tail}" if tail else "")
