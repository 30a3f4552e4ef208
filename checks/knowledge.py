"""Government-specific knowledge kept as YAML in checks/data/, loaded once per process."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> Any:
    """Load checks/data/<name>.yaml."""
    text = resources.files("checks").joinpath("data", f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
