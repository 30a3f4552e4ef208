"""axe-core results (browser mode) mapped onto the accessibility check ids; filled in below."""
