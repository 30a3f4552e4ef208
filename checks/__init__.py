"""Checks: one module per dimension; each check is a registered unit (see checks.engine.registry)."""
