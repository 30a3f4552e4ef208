"""auditcli: audits Chinese government web portals at column level."""

__version__ = "0.1.0"
