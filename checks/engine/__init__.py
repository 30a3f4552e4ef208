"""The check engine: the registry, the runner, the site view and its page pass, the watchdog, and the
shared readings every dimension builds on (dates, list pages, the column model, browser mode's renders).
No check lives here; the dimension packages beside it (checks/freshness, checks/columns, …) hold them."""
