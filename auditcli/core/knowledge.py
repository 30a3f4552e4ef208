"""Government-specific knowledge kept as YAML in auditcli/core/knowledge/, loaded once per process."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> Any:
    """Load auditcli/core/knowledge/<name>.yaml."""
    text = resources.files("auditcli.core").joinpath("knowledge", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
