"""The accessibility dimension: static WCAG rules (ACT-proven), rules axe-core does not have, the 适老化
entry, axe-core results."""

from checks.a11y import assistive, axe, beyond, rules  # noqa: F401  (registers the checks)
