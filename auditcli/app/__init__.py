"""The application: the CLI, orchestration of crawl -> checks -> scoring -> reports, progress."""
