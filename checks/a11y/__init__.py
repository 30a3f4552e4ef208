"""The accessibility dimension: static WCAG rules (ACT-proven), the 适老化 entry, axe-core results."""

from checks.a11y import assistive, axe, rules  # noqa: F401  (registers the checks)
