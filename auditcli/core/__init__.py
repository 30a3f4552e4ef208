"""The core layer: the data model, the one vocabulary, URL/HTML helpers and the government knowledge.

It imports nothing of auditcli's other layers."""
