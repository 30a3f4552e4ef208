"""Scrapy portal spider: crawls sites into the page store (auditcli.stores.pagestore)."""
