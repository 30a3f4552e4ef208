"""The stores: the page store, the history store and results.json (schema, validation, atomic I/O)."""
